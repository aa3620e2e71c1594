// Context tokens: fetched from the host, cached until shortly before they
// expire, shared between concurrent requests.

/** TokenFetcher asks the host for a fresh context token (AP.context.getToken). */
export type TokenFetcher = () => Promise<string>;

/** Tokens are reused until this long before their exp claim. */
export const TOKEN_MARGIN_MS = 30_000;

/** expiryOf reads the exp claim (ms since the epoch) of a JWT, or 0 when
 * it has none or cannot be read; such tokens are used once, not cached. */
export function expiryOf(token: string): number {
  const part = token.split('.')[1];
  if (!part) return 0;
  try {
    const b64 = part.replace(/-/g, '+').replace(/_/g, '/');
    const json = JSON.parse(atob(b64.padEnd(b64.length + ((4 - (b64.length % 4)) % 4), '='))) as { exp?: unknown };
    return typeof json.exp === 'number' ? json.exp * 1000 : 0;
  } catch {
    return 0;
  }
}

/** TokenCache hands out the cached token while it is fresh, else one new
 * fetch shared by every caller waiting at the time. */
export class TokenCache {
  private token = '';
  private expires = 0;
  private inflight: Promise<string> | null = null;

  constructor(
    private readonly fetchToken: TokenFetcher,
    private readonly now: () => number = Date.now,
  ) {}

  /** get returns a token; fresh forces a new one (after a 401). */
  get(fresh = false): Promise<string> {
    if (!fresh && this.token && this.now() < this.expires - TOKEN_MARGIN_MS) {
      return Promise.resolve(this.token);
    }
    if (fresh) this.invalidate();
    if (!this.inflight) {
      this.inflight = this.fetchToken().then(
        (tok) => {
          this.inflight = null;
          this.token = tok;
          this.expires = expiryOf(tok);
          return tok;
        },
        (err: unknown) => {
          this.inflight = null;
          throw err;
        },
      );
    }
    return this.inflight;
  }

  /** invalidate drops the cached token so the next get fetches one. */
  invalidate(): void {
    this.token = '';
    this.expires = 0;
  }
}
