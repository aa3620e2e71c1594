import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiClient, connectHost, FORGE_API, forgePath, forgeTransport, hostKind, type ForgeModule, type InvokeRemote } from './client';
import { flag, goToAdmin, goToIssue, setHostActions, withForgeContext, type PageContext } from '../host';

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
    ['/invoices/7', '/v1/invoices/7'],
    ['/invoices/by-issue/BILL-1', '/v1/invoices/by-issue/BILL-1'],
    ['policy/preview', '/v1/policy/preview'],
    ['/invoices?limit=10&cursor=a', '/v1/invoices?limit=10&cursor=a'],
  ])('%s → %s', (path, want) => expect(forgePath(path)).toBe(want));
  it('is relative to the UI endpoint route', () => expect(FORGE_API).toBe('/v1'));
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
    expect(invokeRemote).toHaveBeenCalledWith({ path: '/v1/invoices/7/dispute', method: 'POST', body: {}, headers: { Accept: 'application/json' } });
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
    expect(calls).toEqual(['/v1/invoices/7/pdf?encoding=base64']);
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

// @forge/bridge takes the host's callBridge once, when it is first
// loaded (and Vitest does not reload it per test), so every test installs
// this one bridge and swaps what it does.
let bridgeImpl: (name: string, payload?: unknown) => Promise<unknown> = async () => undefined;
const sharedBridge = { callBridge: (name: string, payload?: unknown) => bridgeImpl(name, payload) };

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
    bridgeImpl = callBridge;
    (globalThis as { __bridge?: unknown }).__bridge = sharedBridge;
    const mod = await import('./forge');
    const r = await mod.invokeRemote({ path: '/v1/me', method: 'GET' });
    expect(r.status).toBe(200);
    expect(callBridge).toHaveBeenCalledWith('invoke', { path: '/v1/me', method: 'GET', invokeType: 'ui-remote-fetch' });
    expect(r.headers?.['content-type']).toBe('application/json');
    expect(await mod.forgeContext()).toEqual({ issueKey: 'BILL-9', projectKey: 'BILL', timezone: 'Europe/Berlin', siteUrl: 'https://x.example/', licenseActive: false });
  });
});

describe('navigation and flags under Forge', () => {
  afterEach(() => {
    delete (globalThis as { __bridge?: unknown }).__bridge;
    setHostActions(undefined);
    vi.resetModules();
  });

  it('go through the bridge once connectHost has loaded the Forge chunk', async () => {
    const calls: [string, unknown][] = [];
    const callBridge = vi.fn(async (name: string, payload?: unknown) => {
      calls.push([name, payload]);
      return name === 'getContext' ? { extension: { issue: { key: 'BILL-9' } } } : undefined;
    });
    bridgeImpl = callBridge;
    (globalThis as { __bridge?: unknown }).__bridge = sharedBridge;
    const ap = { navigator: { go: vi.fn() }, flag: { create: vi.fn() } };
    (globalThis as { AP?: unknown }).AP = ap; // a stray AP must not be used under Forge
    try {
      await connectHost({ __bridge: sharedBridge }, () => import('./forge'));
      goToIssue('BILL-3');
      goToAdmin();
      flag('Payment recorded', 'INV-1: balance $0.00');
      await Promise.resolve();
      expect(calls.filter(([n]) => n !== 'getContext')).toEqual([
        ['navigate', { target: 'issue', issueKey: 'BILL-3', type: 'same-tab' }],
        ['navigate', { target: 'module', moduleKey: 'remit-admin', type: 'same-tab' }],
        ['showFlag', { id: 'remit-1', title: 'Payment recorded', description: 'INV-1: balance $0.00', type: 'success', isAutoDismiss: true }],
      ]);
      expect(ap.navigator.go).not.toHaveBeenCalled();
      expect(ap.flag.create).not.toHaveBeenCalled();
    } finally {
      delete (globalThis as { AP?: unknown }).AP;
    }
  });

  it('use the Connect JS API under Connect', () => {
    const ap = { navigator: { go: vi.fn() }, flag: { create: vi.fn() } };
    (globalThis as { window?: unknown }).window = { AP: ap };
    try {
      goToIssue('BILL-3');
      flag('Done', 'x', 'info');
      expect(ap.navigator.go).toHaveBeenCalledWith('issue', { issueKey: 'BILL-3' });
      expect(ap.flag.create).toHaveBeenCalledWith({ title: 'Done', body: 'x', type: 'info', close: 'auto' });
    } finally {
      delete (globalThis as { window?: unknown }).window;
    }
  });
});

describe('withForgeContext', () => {
  const base: PageContext = { page: 'issue-panel', issueKey: '', projectKey: '', lic: '', timezone: 'UTC', siteUrl: '', clockSkewMs: 0 };
  it.each([
    [{ issueKey: 'BILL-1', timezone: 'Asia/Tokyo', siteUrl: 'https://a.example/' }, { issueKey: 'BILL-1', timezone: 'Asia/Tokyo', siteUrl: 'https://a.example', lic: '' }],
    [{ licenseActive: true }, { lic: 'active' }],
    [{ licenseActive: false }, { lic: 'none' }],
    [{}, {}],
  ])('%j', (f, want) => expect(withForgeContext(base, f)).toEqual({ ...base, ...want }));
});
