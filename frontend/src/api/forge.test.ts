import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiClient, connectHost, FORGE_API, forgePath, forgeTransport, hostKind, type ForgeModule, type InvokeRemote } from './client';
import { withForgeContext, type PageContext } from '../host';

describe('hostKind', () => {
  const getToken = () => undefined;
  const callBridge = (): undefined => undefined;
  it.each([
    ['Connect JS API', { AP: { context: { getToken } } }, 'connect'],
    ['Forge bridge', { __bridge: { callBridge } }, 'forge'],
    ['both: Connect wins (Connect iframe with a stray bridge)', { AP: { context: { getToken } }, __bridge: { callBridge } }, 'connect'],
    ['AP without getToken', { AP: {} }, 'none'],
    ['bridge without callBridge', { __bridge: {} }, 'none'],
    ['nothing', {}, 'none'],
  ])('%s → %s', (_name, win, want) => expect(hostKind(win as never)).toBe(want));
});

describe('forgePath', () => {
  it.each([
    ['/invoices/7', '/forge/api/v1/invoices/7'],
    ['/invoices/by-issue/BILL-1', '/forge/api/v1/invoices/by-issue/BILL-1'],
    ['policy/preview', '/forge/api/v1/policy/preview'],
    ['/invoices?limit=10&cursor=a', '/forge/api/v1/invoices?limit=10&cursor=a'],
  ])('%s → %s', (path, want) => expect(forgePath(path)).toBe(want));
  it('is the Go remote route', () => expect(FORGE_API).toBe('/forge/api/v1'));
});

describe('connectHost', () => {
  it('never loads the Forge chunk under Connect', async () => {
    const loadForge = vi.fn<() => Promise<ForgeModule>>();
    const { api, forge } = await connectHost({ AP: { context: { getToken: (cb) => cb('t') } } }, loadForge);
    expect(api.transport.kind).toBe('connect');
    expect(forge).toBeUndefined();
    expect(loadForge).not.toHaveBeenCalled();
  });

  it('loads the Forge chunk under Forge and calls the remote through invokeRemote', async () => {
    const invokeRemote = vi.fn(async () => ({ status: 200, headers: { 'Content-Type': ['application/json'] }, body: { id: 7 } }));
    const loadForge = vi.fn(async (): Promise<ForgeModule> => ({ invokeRemote, forgeContext: async () => ({ issueKey: 'BILL-1' }) }));
    const { api, forge } = await connectHost({ __bridge: { callBridge: () => undefined } }, loadForge);
    expect(api.transport.kind).toBe('forge');
    expect(forge).toEqual({ issueKey: 'BILL-1' });
    expect(await api.post('/invoices/7/dispute', {})).toEqual({ id: 7 });
    expect(invokeRemote).toHaveBeenCalledWith({ path: '/forge/api/v1/invoices/7/dispute', method: 'POST', body: {}, headers: { Accept: 'application/json' } });
  });

  it('refuses a page outside Jira', async () => {
    await expect(connectHost({}, vi.fn())).rejects.toThrow('inside Jira');
  });
});

describe('forgeTransport', () => {
  it('turns a problem answer into a readable error', async () => {
    const t = forgeTransport(async () => ({
      status: 422,
      headers: { 'content-type': ['application/problem+json'] },
      body: { title: 'Unprocessable', detail: 'policy is not valid', errors: { 'steps[1].offsetDays': 'too small' } },
    }));
    const r = await t.send('PUT', '/policy', {});
    expect(r.status).toBe(422);
    expect(r.contentType).toBe('application/problem+json');
    expect(JSON.parse(await r.text()).errors['steps[1].offsetDays']).toBe('too small');
  });

  it('fetches a file base64-encoded in JSON and hands back its bytes', async () => {
    const bytes = [0x25, 0x50, 0x44, 0x46, 0x2d, 0x00, 0xff, 0x80]; // "%PDF-" and bytes no text body survives
    const calls: string[] = [];
    const invoke: InvokeRemote = async (req) => {
      calls.push(req.path);
      return {
        status: 200,
        headers: { 'content-type': ['application/json'] },
        body: { fileName: 'INV-1.pdf', contentType: 'application/pdf', base64: btoa(String.fromCharCode(...bytes)) },
      };
    };
    const blob = await new ApiClient(forgeTransport(invoke)).blob('/invoices/7/pdf');
    expect(calls).toEqual(['/forge/api/v1/invoices/7/pdf?encoding=base64']);
    expect(blob.type).toBe('application/pdf');
    expect([...new Uint8Array(await blob.arrayBuffer())]).toEqual(bytes);
  });

  it('reports a failed invocation as unreachable', async () => {
    const t = forgeTransport(async () => {
      throw new Error('bridge gone');
    });
    await expect(t.send('GET', '/me')).rejects.toMatchObject({ status: 0 });
  });
});

describe('the Forge chunk over @forge/bridge', () => {
  afterEach(() => {
    delete (globalThis as { __bridge?: unknown }).__bridge;
    vi.resetModules();
  });

  it('invokes the remote and reads the view context through the host bridge', async () => {
    const callBridge = vi.fn(async (name: string, payload?: unknown) => {
      if (name === 'getContext') {
        return { extension: { issue: { key: 'BILL-9' }, project: { key: 'BILL' } }, timezone: 'Europe/Berlin', siteUrl: 'https://x.example/', license: { active: false } };
      }
      return { success: true, payload: { status: 200, headers: { 'content-type': ['application/json'] }, body: { echo: payload } } };
    });
    (globalThis as { __bridge?: unknown }).__bridge = { callBridge };
    const mod = await import('./forge');
    const r = await mod.invokeRemote({ path: '/forge/api/v1/me', method: 'GET' });
    expect(r.status).toBe(200);
    expect(callBridge).toHaveBeenCalledWith('invoke', { path: '/forge/api/v1/me', method: 'GET', invokeType: 'ui-remote-fetch' });
    expect(r.headers?.['content-type']).toBe('application/json');
    expect(await mod.forgeContext()).toEqual({ issueKey: 'BILL-9', projectKey: 'BILL', timezone: 'Europe/Berlin', siteUrl: 'https://x.example/', licenseActive: false });
  });
});

describe('withForgeContext', () => {
  const base: PageContext = { page: 'issue-panel', issueKey: '', projectKey: '', lic: '', timezone: 'UTC', siteUrl: '' };
  it.each([
    [{ issueKey: 'BILL-1', timezone: 'Asia/Tokyo', siteUrl: 'https://a.example/' }, { issueKey: 'BILL-1', timezone: 'Asia/Tokyo', siteUrl: 'https://a.example', lic: '' }],
    [{ licenseActive: true }, { lic: 'active' }],
    [{ licenseActive: false }, { lic: 'none' }],
    [{}, {}],
  ])('%j', (f, want) => expect(withForgeContext(base, f)).toEqual({ ...base, ...want }));
});
