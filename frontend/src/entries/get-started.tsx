import { boot } from '../boot';
import { GetStartedPage } from '../pages/GetStartedPage';

boot((ctx, api) => <GetStartedPage ctx={ctx} api={api} />);
