import { describe, expect, it } from 'vitest';
import type { Policy } from '../api/types';
import { actionLabel, addDays, localPreview, stepErrors, withOffset } from './ladder';

const policy: Policy = {
  steps: [
    { key: 'overdue-7', offsetDays: 7, actions: [{ type: 'comment' }] },
    { key: 'reminder', offsetDays: -3, actions: [{ type: 'email', cc: true }] },
    { key: 'early', offsetDays: -60, actions: [{ type: 'label' }] },
  ],
};

describe('addDays', () => {
  it.each([
    ['2026-03-31', 1, '2026-04-01'],
    ['2026-03-01', -1, '2026-02-28'],
    ['2028-02-28', 1, '2028-02-29'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2026-05-10', 0, '2026-05-10'],
  ])('%s %+d = %s', (d, n, want) => expect(addDays(d, n)).toBe(want));
});

describe('localPreview', () => {
  it('orders steps by offset and runs a step due before the issue date on the issue date', () => {
    const p = localPreview(policy, '2026-03-01', '2026-03-31');
    expect(p.steps.map((s) => [s.key, s.date])).toEqual([
      ['early', '2026-03-01'],
      ['reminder', '2026-03-28'],
      ['overdue-7', '2026-04-07'],
    ]);
  });
});

describe('withOffset', () => {
  it.each([
    ['9', 9],
    ['-5', -5],
    ['', 0],
    ['-', 0],
    ['2.7', 2],
  ])('%j → %d', (v, want) => {
    const next = withOffset(policy, 0, v);
    expect(next.steps[0]!.offsetDays).toBe(want);
    expect(policy.steps[0]!.offsetDays).toBe(7);
  });
});

describe('stepErrors and actionLabel', () => {
  it('maps API field names to editor field names', () => {
    expect(stepErrors({ 'steps[2].offsetDays': 'bad', 'lateFee.preset': 'x' })).toEqual({ 'steps.2.offsetDays': 'bad', 'lateFee.preset': 'x' });
  });
  it.each([
    [{ type: 'notify_admins' }, 'notify admins'],
    [{ type: 'email', cc: true }, 'email (cc escalation contacts)'],
    [{ type: 'label' }, 'label payment-hold'],
    [{ type: 'label', label: 'hold' }, 'label hold'],
  ])('%j → %s', (a, want) => expect(actionLabel(a)).toBe(want));
});
