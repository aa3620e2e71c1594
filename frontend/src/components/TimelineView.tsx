import Lozenge from '@atlaskit/lozenge';
import { token } from '@atlaskit/tokens';
import type { Timeline, TimelineEvent } from '../api/types';
import { formatInstant } from '../format/dates';
import { Section } from './Section';

const STATUS: Record<TimelineEvent['status'], ['success' | 'default' | 'removed' | 'moved', string]> = {
  done: ['success', 'Done'],
  skipped: ['default', 'Skipped'],
  failed: ['removed', 'Failed'],
  cancelled: ['moved', 'Cancelled'],
};

/** stepName turns "overdue-7" into "Overdue 7". */
function stepName(step: string): string {
  const s = step.replace(/[-_]/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** TimelineView is the follow-up history of an invoice: what was done,
 * skipped or failed, and the next step with its date. */
export function TimelineView({ timeline, timezone }: { timeline: Timeline; timezone: string }) {
  const events = timeline.events ?? [];
  if (events.length === 0 && !timeline.next) return null;
  return (
    <Section title="Follow-up" id="remit-timeline">
      <ol data-testid="timeline" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
        {events.map((e, i) => {
          const [appearance, label] = STATUS[e.status] ?? ['default', e.status];
          return (
            <li key={i} data-step={e.step} data-status={e.status} style={{ paddingBlock: token('space.075'), borderBlockEnd: `1px solid ${token('color.border')}` }}>
              <div style={{ display: 'flex', justifyContent: 'space-between', gap: token('space.100') }}>
                <span style={{ font: token('font.body'), fontWeight: token('font.weight.medium') }}>
                  {stepName(e.step)}
                  {e.action ? <span style={{ color: token('color.text.subtle'), fontWeight: token('font.weight.regular') }}> · {e.action.replace(/_/g, ' ')}</span> : null}
                </span>
                <Lozenge appearance={appearance}>{label}</Lozenge>
              </div>
              <div style={{ font: token('font.body.small'), color: token('color.text.subtlest') }}>
                {formatInstant(e.at, timezone)}
                {e.detail ? ` · ${e.detail}` : ''}
              </div>
            </li>
          );
        })}
        {timeline.next ? (
          <li data-testid="timeline-next" data-step={timeline.next.step} style={{ paddingBlock: token('space.075') }}>
            <div style={{ display: 'flex', justifyContent: 'space-between', gap: token('space.100') }}>
              <span style={{ font: token('font.body'), fontWeight: token('font.weight.medium') }}>{stepName(timeline.next.step)}</span>
              <Lozenge appearance="new">Next</Lozenge>
            </div>
            <div style={{ font: token('font.body.small'), color: token('color.text.subtlest') }}>{formatInstant(timeline.next.dueAt, timezone)}</div>
          </li>
        ) : null}
      </ol>
    </Section>
  );
}
