import { describe, expect, it, vi } from 'vitest';
import { ApiClient, ApiError, connectTransport, createClient, forgeTransport } from './client';
import { expiryOf, TokenCache, TOKEN_MARGIN_MS } from './token';
import { problemError } from './problem';

function jwt(exp: number, sub = 'u'): string {
  const b64 = (o: object) => btoa(JSON.stringify(o)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  return `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ exp, sub })}.sig`;
}

function answer(status: number, body: unknown, contentType = 'application/json'): Response {
  return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'Content-Type': contentType } });
}

describe('TokenCache', () => {
  it('reuses a token until shortly before exp, then fetches a new one', async () => {
    let now = 1_000_000_000_000;
    const tokens = [jwt(now / 1000 + 300, 'a'), jwt(now / 1000 + 900, 'b')];
    const fetchToken = vi.fn(async () => tokens.shift()!);
    const cache = new TokenCache(fetchToken, () => now);
    const first = await cache.get();
    expect(await cache.get()).toBe(first);
    now += 300_000 - TOKEN_MARGIN_MS - 1;
    expect(await cache.get()).toBe(first);
    now += 2;
    expect(await cache.get()).not.toBe(first);
    expect(fetchToken).toHaveBeenCalledTimes(2);
  });

  it('shares one fetch between concurrent callers', async () => {
    let release!: (t: string) => void;
    const fetchToken = vi.fn(() => new Promise<string>((r) => (release = r)));
    const cache = new TokenCache(fetchToken, () => 0);
    const a = cache.get();
    const b = cache.get();
    release(jwt(1000));
    expect(await a).toBe(await b);
    expect(fetchToken).toHaveBeenCalledTimes(1);
  });

  it('does not cache a token without exp and recovers after a failed fetch', async () => {
    const fetchToken = vi.fn().mockRejectedValueOnce(new Error('host gone')).mockResolvedValue('not-a-jwt');
    const cache = new TokenCache(fetchToken, () => 0);
    await expect(cache.get()).rejects.toThrow('host gone');
    expect(await cache.get()).toBe('not-a-jwt');
    await cache.get();
    expect(fetchToken).toHaveBeenCalledTimes(3);
  });

  it('reads exp from base64url payloads', () => {
    expect(expiryOf(jwt(1_700_000_000))).toBe(1_700_000_000_000);
    expect(expiryOf('a.b.c')).toBe(0);
    expect(expiryOf('')).toBe(0);
  });
});

describe('connectTransport', () => {
  it('sends the context token as Authorization: JWT and JSON bodies', async () => {
    const tok = jwt(Date.now() / 1000 + 600);
    const fetch = vi.fn(async (_u: string, _i: RequestInit) => answer(201, { id: 7 }));
    const api = new ApiClient(connectTransport({ getToken: async () => tok, fetch, apiBase: '/api/v1' }));
    expect(await api.post('/customers', { name: 'Acme' })).toEqual({ id: 7 });
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('/api/v1/customers');
    expect((init.headers as Record<string, string>).Authorization).toBe(`JWT ${tok}`);
    expect(init.body).toBe('{"name":"Acme"}');
  });

  it('retries once with a fresh token after a 401 (expired token)', async () => {
    const stale = jwt(Date.now() / 1000 + 600, 'stale');
    const fresh = jwt(Date.now() / 1000 + 600, 'fresh');
    const getToken = vi.fn().mockResolvedValueOnce(stale).mockResolvedValueOnce(fresh);
    const fetch = vi.fn(async (_u: string, i: RequestInit) =>
      (i.headers as Record<string, string>).Authorization === `JWT ${fresh}`
        ? answer(200, { ok: true })
        : answer(401, { title: 'Unauthorized', status: 401, detail: 'token expired' }, 'application/problem+json'),
    );
    const api = new ApiClient(connectTransport({ getToken, fetch, apiBase: '' }));
    expect(await api.get('/me')).toEqual({ ok: true });
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(getToken).toHaveBeenCalledTimes(2);
    // The fresh token is cached for the next call.
    await api.get('/me');
    expect(getToken).toHaveBeenCalledTimes(2);
  });

  it('gives up after the one retry', async () => {
    const getToken = vi.fn(async () => jwt(Date.now() / 1000 + 600));
    const fetch = vi.fn(async () => answer(401, { title: 'Unauthorized', status: 401, detail: 'unknown issuer' }, 'application/problem+json'));
    const api = new ApiClient(connectTransport({ getToken, fetch, apiBase: '' }));
    const err = await api.get('/me').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(401);
    expect((err as ApiError).message).toBe('unknown issuer');
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('turns a network failure into a readable error', async () => {
    const api = new ApiClient(
      connectTransport({ getToken: async () => 't', fetch: async () => Promise.reject(new TypeError('Failed to fetch')), apiBase: '' }),
    );
    await expect(api.get('/me')).rejects.toMatchObject({ status: 0, message: expect.stringContaining('could not be reached') });
  });
});

describe('problem documents', () => {
  const cases: { name: string; status: number; ct: string; body: string; message: string; fields?: Record<string, string> }[] = [
    {
      name: 'field errors are listed',
      status: 400,
      ct: 'application/problem+json',
      body: JSON.stringify({ title: 'Bad Request', status: 400, detail: 'request body has invalid fields', errors: { periodEnd: 'is required', customerId: 'is required' } }),
      message: 'request body has invalid fields: customerId is required; periodEnd is required',
      fields: { periodEnd: 'is required', customerId: 'is required' },
    },
    {
      name: 'detail is the message',
      status: 422,
      ct: 'application/problem+json',
      body: JSON.stringify({ title: 'Unprocessable Entity', status: 422, detail: 'nothing to bill for Acme in that period' }),
      message: 'nothing to bill for Acme in that period',
    },
    { name: 'title when no detail', status: 403, ct: 'application/json', body: '{"title":"Forbidden"}', message: 'Forbidden' },
    { name: 'HTML from a proxy', status: 502, ct: 'text/html', body: '<h1>Bad gateway</h1>', message: 'Remit is unavailable right now. Try again in a minute.' },
    { name: 'broken JSON', status: 500, ct: 'application/json', body: '{', message: 'Remit answered 500 Internal Server Error' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const e = problemError(c.status, c.status === 500 ? 'Internal Server Error' : '', c.ct, c.body);
      expect(e.message).toBe(c.message);
      expect(e.status).toBe(c.status);
      expect(e.fieldErrors).toEqual(c.fields ?? {});
    });
  }

  it('optional() maps 404 to null and keeps other failures', async () => {
    const fetch = vi.fn().mockResolvedValueOnce(answer(404, { title: 'Not Found', detail: 'no route' }, 'application/problem+json'))
      .mockResolvedValueOnce(answer(403, { title: 'Forbidden', detail: 'needs ADMINISTER' }, 'application/problem+json'));
    const api = new ApiClient(connectTransport({ getToken: async () => 't', fetch, apiBase: '' }));
    expect(await api.optional('/invoices/1/timeline')).toBeNull();
    await expect(api.optional('/policy')).rejects.toThrow('needs ADMINISTER');
  });
});

describe('transport selection', () => {
  it('uses Connect when AP is present and Forge when only a bridge is', async () => {
    const connect = createClient({ AP: { context: { getToken: (cb) => cb('t') } } });
    expect(connect.transport.kind).toBe('connect');
    const invoke = vi.fn(async () => ({ status: 200, body: { items: [] } }));
    const forge = createClient({ remitForgeInvoke: invoke });
    expect(forge.transport.kind).toBe('forge');
    expect(await forge.get('/invoices')).toEqual({ items: [] });
    expect(invoke).toHaveBeenCalledWith(expect.objectContaining({ path: '/v1/invoices', method: 'GET' }));
    expect(() => createClient({})).toThrow(ApiError);
  });

  it('reads Forge problem answers the same way', async () => {
    const api = new ApiClient(forgeTransport(async () => ({ status: 422, headers: { 'content-type': 'application/problem+json' }, body: { title: 'Unprocessable Entity', detail: 'overpayment' } })));
    await expect(api.post('/invoices/1/payments', {})).rejects.toThrow('overpayment');
  });
});
