import { boot } from '../boot';
import { AdminPage } from '../pages/AdminPage';

boot((ctx, api) => <AdminPage ctx={ctx} api={api} />);
