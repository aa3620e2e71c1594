import Button from '@atlaskit/button/default/button';
import DynamicTable from '@atlaskit/dynamic-table';
import Textfield from '@atlaskit/textfield';
import { Inline, Stack } from '@atlaskit/primitives';
import { token } from '@atlaskit/tokens';
import { useState } from 'react';
import { ApiError, type ApiClient } from '../api/client';
import type { Policy } from '../api/types';
import { flag } from '../host';
import { formatDate } from '../format/dates';
import { ErrorMessage } from './ErrorMessage';

/** addDays moves a YYYY-MM-DD date by n days. */
export function addDays(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** ladderPreview is what the ladder would do for a sample invoice due on
 * dueDate: each step's date, in order. */
export function ladderPreview(policy: Policy, dueDate: string): { key: string; date: string; actions: string }[] {
  return [...policy.steps]
    .sort((a, b) => a.offsetDays - b.offsetDays)
    .map((s) => ({ key: s.key, date: addDays(dueDate, s.offsetDays), actions: s.actions.map((a) => a.type.replace(/_/g, ' ')).join(', ') }));
}

/** PolicyEditor edits the follow-up ladder's offsets and shows what it
 * would do for a sample invoice. */
export function PolicyEditor({ api, initial, today, disabled }: { api: ApiClient; initial: Policy; today: string; disabled: boolean }) {
  const [policy, setPolicy] = useState(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const sampleDue = addDays(today, 30);

  const setOffset = (i: number, v: string) => {
    const steps = policy.steps.map((s, j) => (j === i ? { ...s, offsetDays: v === '' || v === '-' ? 0 : Number(v) } : s));
    setPolicy({ ...policy, steps });
  };
  const remove = (i: number) => setPolicy({ ...policy, steps: policy.steps.filter((_, j) => j !== i) });

  const save = async () => {
    setBusy(true);
    setFailure(undefined);
    setErrors({});
    try {
      setPolicy(await api.put<Policy>('/policy', policy));
      flag('Follow-up policy saved', 'New steps apply from the next run.');
    } catch (err) {
      if (err instanceof ApiError) setErrors(err.fieldErrors);
      setFailure(err instanceof Error ? err : new Error(String(err)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack space="space.200">
      <DynamicTable
        label="Follow-up steps"
        head={{ cells: [{ key: 'step', content: 'Step' }, { key: 'offset', content: 'Days from due date' }, { key: 'actions', content: 'Actions' }, { key: 'rm', content: 'Remove' }] }}
        rows={policy.steps.map((s, i) => ({
          key: `${s.key}-${i}`,
          cells: [
            { key: 'step', content: s.key },
            {
              key: 'offset',
              content: (
                <div style={{ maxWidth: 120 }}>
                  <Textfield
                    aria-label={`Days from due date for ${s.key}`}
                    type="number"
                    value={String(s.offsetDays)}
                    isInvalid={!!errors[`steps.${i}.offsetDays`]}
                    onChange={(e) => setOffset(i, e.currentTarget.value)}
                    isDisabled={disabled}
                  />
                </div>
              ),
            },
            { key: 'actions', content: s.actions.map((a) => a.type.replace(/_/g, ' ')).join(', ') },
            { key: 'rm', content: <Button appearance="subtle" isDisabled={disabled} onClick={() => remove(i)} aria-label={`Remove ${s.key}`}>Remove</Button> },
          ],
        }))}
      />
      <section aria-labelledby="policy-preview">
        <h3 id="policy-preview" style={{ font: token('font.heading.xsmall'), margin: `0 0 ${token('space.100')}` }}>
          Preview: an invoice issued today, due {formatDate(sampleDue)}
        </h3>
        <ol data-testid="policy-preview" style={{ margin: 0, paddingInlineStart: token('space.250') }}>
          {ladderPreview(policy, sampleDue).map((p) => (
            <li key={p.key} style={{ font: token('font.body') }}>
              {formatDate(p.date)} — {p.key}: {p.actions}
            </li>
          ))}
        </ol>
      </section>
      {failure ? <ErrorMessage error={failure} title="Policy not saved" /> : null}
      <Inline>
        <Button appearance="primary" onClick={() => void save()} isLoading={busy} isDisabled={disabled}>
          Save policy
        </Button>
      </Inline>
    </Stack>
  );
}
