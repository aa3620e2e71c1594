import { describe, expect, it } from 'vitest';
import { takeInitial } from './host';

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
