import { boot } from '../boot';
import { IssuePanel } from '../pages/IssuePanel';

boot((ctx, api) => <IssuePanel ctx={ctx} api={api} />);
