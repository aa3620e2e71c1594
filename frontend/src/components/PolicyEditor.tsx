import Button from '@atlaskit/button/new';
import DynamicTable from '@atlaskit/dynamic-table';
import Textfield from '@atlaskit/textfield';
import { Inline, Stack } from '@atlaskit/primitives/compiled';
import { token } from '@atlaskit/tokens';
import { useEffect, useState } from 'react';
import { ApiError, type ApiClient } from '../api/client';
import type { Policy, PolicyPreview } from '../api/types';
import { flag } from '../host';
import { formatDate } from '../format/dates';
import { actionLabel, addDays, localPreview, stepErrors, withOffset } from '../policy/ladder';
import { ErrorMessage } from './ErrorMessage';

/** PREVIEW_DELAY_MS lets a person finish typing before the preview asks Remit. */
const PREVIEW_DELAY_MS = 250;

/** usePreview asks Remit what the policy would do for a sample invoice
 * issued today, again whenever the policy changes; a Remit without the
 * preview endpoint gets the offsets-only local preview instead. */
function usePreview(api: ApiClient, policy: Policy, today: string, termsDays: number) {
  const [preview, setPreview] = useState<PolicyPreview>();
  const [problem, setProblem] = useState<ApiError>();
  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      api.post<PolicyPreview>('/policy/preview', { policy, issueDate: today }).then(
        (p) => {
          if (!live) return;
          setPreview(p);
          setProblem(undefined);
        },
        (err: unknown) => {
          if (!live) return;
          if (err instanceof ApiError && (err.status === 404 || err.status === 405)) {
            setPreview(localPreview(policy, today, addDays(today, termsDays)));
            setProblem(undefined);
          } else {
            setProblem(err instanceof ApiError ? err : new ApiError(0, 'Preview failed', String(err)));
          }
        },
      );
    }, PREVIEW_DELAY_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [api, policy, today, termsDays]);
  return { preview, problem };
}

/** PolicyEditor edits the follow-up ladder's offsets and shows, from
 * Remit's own planner and templates, what it would do for a sample
 * invoice before anything is saved. */
export function PolicyEditor({
  api,
  initial,
  today,
  termsDays,
  disabled,
}: {
  api: ApiClient;
  initial: Policy;
  today: string;
  termsDays: number;
  disabled: boolean;
}) {
  const [policy, setPolicy] = useState(initial);
  const [saveErrors, setSaveErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const { preview, problem } = usePreview(api, policy, today, termsDays);
  const errors = { ...stepErrors(problem?.fieldErrors ?? {}), ...saveErrors };

  const remove = (i: number) => setPolicy({ ...policy, steps: policy.steps.filter((_, j) => j !== i) });

  const save = async () => {
    setBusy(true);
    setFailure(undefined);
    setSaveErrors({});
    try {
      setPolicy(await api.put<Policy>('/policy', policy));
      flag('Follow-up policy saved', 'New steps apply from the next run.');
    } catch (err) {
      if (err instanceof ApiError) setSaveErrors(stepErrors(err.fieldErrors));
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
                    id={`policy-offset-${s.key}`}
                    aria-label={`Days from due date for ${s.key}`}
                    type="number"
                    value={String(s.offsetDays)}
                    isInvalid={!!errors[`steps.${i}.offsetDays`]}
                    onChange={(e) => setPolicy(withOffset(policy, i, e.currentTarget.value))}
                    isDisabled={disabled}
                  />
                </div>
              ),
            },
            { key: 'actions', content: s.actions.map(actionLabel).join(', ') },
            { key: 'rm', content: <Button appearance="subtle" isDisabled={disabled} onClick={() => remove(i)} aria-label={`Remove ${s.key}`}>Remove</Button> },
          ],
        }))}
      />
      <PreviewList preview={preview} problem={problem} today={today} />
      {failure ? <ErrorMessage error={failure} title="Policy not saved" /> : null}
      <Inline>
        <Button appearance="primary" onClick={() => void save()} isLoading={busy} isDisabled={disabled}>
          Save policy
        </Button>
      </Inline>
    </Stack>
  );
}

/** PreviewList shows each step's day, what it does and what it says. */
function PreviewList({ preview, problem, today }: { preview?: PolicyPreview; problem?: ApiError; today: string }) {
  const muted = { font: token('font.body.small'), color: token('color.text.subtle') };
  return (
    <section aria-labelledby="policy-preview">
      <h3 id="policy-preview" style={{ font: token('font.heading.xsmall'), margin: `0 0 ${token('space.100')}` }}>
        Preview: an invoice issued {formatDate(preview?.issueDate ?? today)}
        {preview?.dueDate ? `, due ${formatDate(preview.dueDate)}` : ''}
      </h3>
      {problem ? (
        <p role="status" data-testid="policy-preview-problem" style={{ ...muted, color: token('color.text.danger') }}>
          {problem.message}
        </p>
      ) : null}
      <ol data-testid="policy-preview" aria-busy={!preview} style={{ margin: 0, paddingInlineStart: token('space.250'), opacity: problem ? 0.5 : 1 }}>
        {(preview?.steps ?? []).map((p) => (
          <li key={p.key} data-step={p.key} style={{ font: token('font.body'), marginBlockEnd: token('space.100') }}>
            <span data-part="summary">
              {formatDate(p.date)} — {p.key}: {p.actions.map((a) => actionLabel(a) + (a.outcome === 'skipped' ? ' (skipped)' : '')).join(', ')}
              {p.lateFee ? ` · late fee ${p.lateFee}` : ''}
            </span>
            {p.email ? (
              <div style={muted} data-part="email">
                E-mail: {p.email.subject}
              </div>
            ) : null}
            {p.comment ? (
              <div style={{ ...muted, whiteSpace: 'pre-line' }} data-part="comment">
                Comment: {p.comment}
              </div>
            ) : null}
          </li>
        ))}
      </ol>
    </section>
  );
}
