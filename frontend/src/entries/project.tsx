import { boot } from '../boot';
import { ProjectPage } from '../pages/ProjectPage';

boot((ctx, api) => <ProjectPage ctx={ctx} api={api} />);
