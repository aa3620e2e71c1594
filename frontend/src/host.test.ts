import { afterEach, describe, expect, it, vi } from 'vitest';
import { readContext, remitNow, takeInitial } from './host';

/** fakeDoc is a document holding at most one element, by id. */
function fakeDoc(id: string, text: string) {
  let present = true;
  const el = {
    textContent: text,
    remove: () => {
      present = false;
    },
  };
  return {
    doc: { getElementById: (want: string) => (present && want === id ? el : null) } as unknown as Document,
    present: () => present,
  };
}

describe('takeInitial', () => {
  it('reads the answer the server rendered into the page, once', () => {
    const f = fakeDoc('remit-initial', '{"kind":"work","billing":{"issueKey":"ACME-1"}}');
    expect(takeInitial(f.doc)).toEqual({ kind: 'work', billing: { issueKey: 'ACME-1' } });
    expect(f.present()).toBe(false);
    expect(takeInitial(f.doc)).toBeUndefined();
  });

  it('is undefined without the element or with broken JSON', () => {
    expect(takeInitial(fakeDoc('other', '{}').doc)).toBeUndefined();
    expect(takeInitial(fakeDoc('remit-initial', '{"kind":').doc)).toBeUndefined();
  });
});

describe('remitNow', () => {
  afterEach(() => vi.useRealTimers());
  const root = (now?: string) => ({ dataset: { page: 'admin', timezone: 'UTC', ...(now ? { now } : {}) } }) as unknown as HTMLElement;

  it("follows Remit's clock, not the browser's, and keeps ticking", () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-12-03T10:00:00Z'));
    const ctx = readContext(root('2031-12-03T10:00:00Z'));
    expect(remitNow(ctx).toISOString()).toBe('2031-12-03T10:00:00.000Z');
    vi.advanceTimersByTime(90_000);
    expect(remitNow(ctx).toISOString()).toBe('2031-12-03T10:01:30.000Z');
  });

  it("is the browser's clock where the server did not say", () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-12-03T10:00:00Z'));
    expect(remitNow(readContext(root())).toISOString()).toBe('2026-12-03T10:00:00.000Z');
    expect(remitNow(readContext(root('not a date'))).toISOString()).toBe('2026-12-03T10:00:00.000Z');
  });
});
