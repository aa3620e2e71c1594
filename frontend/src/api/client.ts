// The one module that knows how Remit's pages reach Remit's API: which
// transport (Connect iframe with context JWTs, or Forge's invokeRemote),
// how tokens are obtained and refreshed, and how errors read. Pages call
// api.get/post/put/del/blob and never see a token.

import { setHostActions, type HostActions } from '../host';
import { ApiError, problemError, unreachable } from './problem';
import { TokenCache, type TokenFetcher } from './token';

export { ApiError } from './problem';

/** RawResponse is what a transport returns for one request. */
export interface RawResponse {
  status: number;
  statusText: string;
  contentType: string | null;
  text(): Promise<string>;
  blob(): Promise<Blob>;
}

/** Transport sends one request to Remit's /api/v1 and handles auth. */
export interface Transport {
  readonly kind: 'connect' | 'forge';
  send(method: string, path: string, body?: unknown): Promise<RawResponse>;
}

type FetchFn = (input: string, init: RequestInit) => Promise<Response>;

/** connectTransport calls the API over fetch with `Authorization: JWT`,
 * a context token from the host cached until shortly before it expires,
 * and one retry with a fresh token when Remit answers 401. */
export function connectTransport(opts: {
  getToken: TokenFetcher;
  fetch?: FetchFn;
  apiBase?: string;
  now?: () => number;
}): Transport {
  const tokens = new TokenCache(opts.getToken, opts.now);
  const doFetch: FetchFn = opts.fetch ?? ((u, i) => fetch(u, i));
  // Relative to the page (/pages/x → /api/v1), whatever path Remit is served under.
  const base = () => opts.apiBase ?? new URL('../api/v1', document.baseURI).pathname.replace(/\/$/, '');
  const once = async (method: string, path: string, body: unknown, fresh: boolean): Promise<Response> => {
    const token = await tokens.get(fresh);
    const headers: Record<string, string> = { Authorization: `JWT ${token}`, Accept: 'application/json' };
    const init: RequestInit = { method, headers, credentials: 'omit', cache: 'no-store' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    try {
      return await doFetch(base() + path, init);
    } catch (err) {
      throw unreachable(err);
    }
  };
  return {
    kind: 'connect',
    async send(method, path, body) {
      let resp = await once(method, path, body, false);
      if (resp.status === 401) {
        resp = await once(method, path, body, true);
      }
      return {
        status: resp.status,
        statusText: resp.statusText,
        contentType: resp.headers.get('Content-Type'),
        text: () => resp.text(),
        blob: () => resp.blob(),
      };
    },
  };
}

/** InvokeRemote is @forge/bridge's invokeRemote, as Forge Custom UI has it. */
export type InvokeRemote = (req: {
  path: string;
  method: string;
  body?: unknown;
  headers?: Record<string, string>;
}) => Promise<{ status: number; headers?: Record<string, string | string[]>; body?: unknown }>;

/** FORGE_API is the API's path below the UI endpoint's route, which
 * Forge puts before every invokeRemote path: the call arrives at Remit as
 * the Go package forge's RouteAPI + "/v1", the very handlers of /api/v1,
 * authenticated by Forge invocation tokens instead of Connect JWTs. */
export const FORGE_API = '/v1';

/** forgePath maps an API path (/invoices/7) to its Forge remote path. */
export function forgePath(path: string): string {
  return FORGE_API + (path.startsWith('/') ? path : '/' + path);
}

/** header reads a response header whatever its case; Forge may give a
 * list of values. */
function header(headers: Record<string, string | string[]> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === name) return Array.isArray(v) ? v.join(',') : v;
  }
  return undefined;
}

/** forgeTransport sends requests through Forge, which signs them with a
 * Forge invocation token; the pages do not change. */
export function forgeTransport(invokeRemote: InvokeRemote): Transport {
  return {
    kind: 'forge',
    async send(method, path, body) {
      let r: Awaited<ReturnType<InvokeRemote>>;
      try {
        r = await invokeRemote({ path: forgePath(path), method, body, headers: { Accept: 'application/json' } });
      } catch (err) {
        throw unreachable(err);
      }
      const ct = header(r.headers, 'content-type') ?? 'application/json';
      const text = typeof r.body === 'string' ? r.body : r.body === undefined || r.body === null ? '' : JSON.stringify(r.body);
      return {
        status: r.status,
        statusText: '',
        contentType: ct,
        text: async () => text,
        blob: async () => new Blob([text], { type: ct }),
      };
    },
  };
}

/** ApiClient is what pages use: JSON in, JSON out, ApiError on failure. */
export class ApiClient {
  constructor(readonly transport: Transport) {}

  private async call(method: string, path: string, body?: unknown): Promise<RawResponse> {
    const r = await this.transport.send(method, path, body);
    if (r.status < 200 || r.status > 299) {
      throw problemError(r.status, r.statusText, r.contentType, await r.text());
    }
    return r;
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const r = await this.call(method, path, body);
    if (r.status === 204) return undefined as T;
    const text = await r.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  get<T>(path: string): Promise<T> {
    return this.json<T>('GET', path);
  }
  post<T>(path: string, body?: unknown): Promise<T> {
    return this.json<T>('POST', path, body ?? {});
  }
  put<T>(path: string, body: unknown): Promise<T> {
    return this.json<T>('PUT', path, body);
  }
  del<T>(path: string): Promise<T> {
    return this.json<T>('DELETE', path);
  }

  /** optional answers null instead of failing when Remit says 404, for
   * endpoints a deployment may not have yet (timeline, policy, aging). */
  async optional<T>(path: string): Promise<T | null> {
    try {
      return await this.get<T>(path);
    } catch (err) {
      if (err instanceof ApiError && (err.status === 404 || err.status === 405)) return null;
      throw err;
    }
  }

  /** blob fetches a file (the invoice PDF) with the same authentication.
   * Forge's invokeRemote carries only text, so through Forge the file
   * comes base64-encoded in JSON (?encoding=base64) and is decoded here. */
  async blob(path: string): Promise<Blob> {
    if (this.transport.kind === 'forge') {
      const sep = path.includes('?') ? '&' : '?';
      const f = await this.json<{ contentType: string; base64: string }>('GET', `${path}${sep}encoding=base64`);
      return base64Blob(f.base64, f.contentType);
    }
    const r = await this.call('GET', path);
    return r.blob();
  }
}

/** base64Blob decodes base64 text into a Blob of the given type. */
export function base64Blob(b64: string, type: string): Blob {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Blob([bytes], { type });
}

interface ConnectHost {
  context?: { getToken?: (cb: (token: string) => void) => void };
}

/** HostWindow is what transport selection looks at on window. */
export interface HostWindow {
  AP?: ConnectHost;
  /** Forge Custom UI's bridge to the host frame, present only in Forge. */
  __bridge?: { callBridge?: unknown };
}

/** hostKind says which Jira runs the page: Connect when the Connect JS
 * API is present, Forge when Forge's Custom UI bridge is, else none. */
export function hostKind(win: HostWindow): 'connect' | 'forge' | 'none' {
  if (win.AP?.context?.getToken) return 'connect';
  if (typeof win.__bridge?.callBridge === 'function') return 'forge';
  return 'none';
}

/** ForgeModule is the lazily loaded part of the Forge transport
 * (./forge.ts with @forge/bridge), never loaded under Connect. */
export interface ForgeModule {
  invokeRemote: InvokeRemote;
  forgeContext: () => Promise<ForgeContext>;
  hostActions?: HostActions;
}

/** ForgeContext is the part of Forge's view context the pages use. */
export interface ForgeContext {
  issueKey?: string;
  projectKey?: string;
  timezone?: string;
  siteUrl?: string;
  licenseActive?: boolean;
}

/** connectHost builds the client for whichever host runs the page. The
 * Forge code (and @forge/bridge) is a separate chunk that loadForge
 * fetches only inside Forge, so the Connect pages never pay for it. */
export async function connectHost(
  win: HostWindow = window as never,
  loadForge: () => Promise<ForgeModule> = () => import('./forge'),
): Promise<{ api: ApiClient; forge?: ForgeContext }> {
  if (hostKind(win) === 'forge') {
    const mod = await loadForge();
    setHostActions(mod.hostActions);
    const ctx = await mod.forgeContext();
    return { api: new ApiClient(forgeTransport(mod.invokeRemote)), forge: ctx };
  }
  return { api: createClient(win) };
}

/** createClient is the client for a page under Connect (the Connect JS
 * API present); remitForgeInvoke lets a host hand in invokeRemote itself. */
export function createClient(win: { AP?: ConnectHost; remitForgeInvoke?: InvokeRemote } = window as never): ApiClient {
  const ap = win.AP;
  if (ap?.context?.getToken) {
    const getToken = ap.context.getToken.bind(ap.context);
    return new ApiClient(
      connectTransport({
        getToken: () =>
          new Promise<string>((resolve, reject) => {
            const timer = setTimeout(() => reject(new ApiError(0, 'No token', 'Jira did not provide a session token. Reload the page.')), 15_000);
            getToken((tok) => {
              clearTimeout(timer);
              resolve(tok);
            });
          }),
      }),
    );
  }
  if (win.remitForgeInvoke) return new ApiClient(forgeTransport(win.remitForgeInvoke));
  throw new ApiError(0, 'No host', 'This page must be opened inside Jira.');
}
