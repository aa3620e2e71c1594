// The policy preview's fallback and shape helpers, kept free of React so
// they are unit-tested on their own.

import type { Policy, PolicyPreview } from '../api/types';

/** addDays moves a YYYY-MM-DD date by n days. */
export function addDays(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** localPreview is what the ladder would do for a sample invoice due on
 * dueDate, from the policy's offsets alone: the fallback when Remit has
 * no preview endpoint (it cannot render templates or skip steps). */
export function localPreview(policy: Policy, issueDate: string, dueDate: string): PolicyPreview {
  return {
    number: '',
    customer: '',
    currency: '',
    total: '',
    issueDate,
    dueDate,
    steps: [...policy.steps]
      .sort((a, b) => a.offsetDays - b.offsetDays)
      .map((s) => {
        const day = addDays(dueDate, s.offsetDays);
        return {
          key: s.key,
          offsetDays: s.offsetDays,
          date: day < issueDate ? issueDate : day,
          actions: s.actions.map((a) => ({ ...a, outcome: 'run' as const })),
        };
      }),
  };
}

/** actionLabel names an action as the editor shows it. */
export function actionLabel(a: { type: string; cc?: boolean; label?: string }): string {
  const name = a.type.replace(/_/g, ' ');
  if (a.cc) return `${name} (cc escalation contacts)`;
  if (a.type === 'label') return `${name} ${a.label || 'payment-hold'}`;
  return name;
}

/** withOffset is the policy with step i moved to offset days (0 while the
 * field is empty or a lone minus sign, so typing never throws). */
export function withOffset(policy: Policy, i: number, value: string): Policy {
  const n = value === '' || value === '-' ? 0 : Math.trunc(Number(value));
  return { ...policy, steps: policy.steps.map((s, j) => (j === i ? { ...s, offsetDays: Number.isFinite(n) ? n : s.offsetDays } : s)) };
}

/** stepErrors maps the API's field errors (steps[2].offsetDays) to the
 * editor's fields (steps.2.offsetDays). */
export function stepErrors(fields: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) out[k.replace(/\[(\d+)\]/g, '.$1')] = v;
  return out;
}
