import { Stack } from '@atlaskit/primitives/compiled';
import { token } from '@atlaskit/tokens';
import type { IssueBilling } from '../api/types';
import { goToIssue } from '../host';
import { formatDate, formatHours } from '../format/dates';
import { formatMoney } from '../format/money';
import { Figures } from './Figures';
import { Section } from './Section';
import { StatusLozenge } from './StatusLozenge';

/** WorkPanel is the issue panel of a work issue: hours logged, billed and
 * unbilled, and the invoices its worklogs are on. */
export function WorkPanel({ billing }: { billing: IssueBilling }) {
  return (
    <Stack space="space.200" testId="work-panel">
      <Figures
        testId="work-figures"
        rows={[
          ['Logged', formatHours(billing.hoursLogged)],
          ['Billed', formatHours(billing.hoursBilled)],
          ['Unbilled', formatHours(billing.hoursUnbilled), 'strong'],
        ]}
      />
      <Section title="Invoices" id="remit-work-invoices">
        {billing.invoices.length === 0 ? (
          <p style={{ font: token('font.body.small'), color: token('color.text.subtlest'), margin: 0 }}>Not on any invoice yet.</p>
        ) : (
          <ul style={{ listStyle: 'none', margin: 0, padding: 0 }}>
            {billing.invoices.map((i) => (
              <li key={i.id} style={{ paddingBlock: token('space.075'), borderBlockEnd: `1px solid ${token('color.border')}` }}>
                <div style={{ display: 'flex', justifyContent: 'space-between', gap: token('space.100'), flexWrap: 'wrap' }}>
                  {i.invoiceIssueKey ? (
                    <a
                      href={`#${i.invoiceIssueKey}`}
                      onClick={(e) => {
                        e.preventDefault();
                        goToIssue(i.invoiceIssueKey!);
                      }}
                      style={{ color: token('color.link'), font: token('font.body') }}
                    >
                      {i.number}
                    </a>
                  ) : (
                    <span style={{ font: token('font.body') }}>{i.number}</span>
                  )}
                  <StatusLozenge status={i.status} disputed={i.disputed} />
                </div>
                <div style={{ font: token('font.body.small'), color: token('color.text.subtlest') }}>
                  {formatHours(i.hours)} · {formatMoney(i.amount, i.currency)} · due {formatDate(i.dueDate)}
                </div>
              </li>
            ))}
          </ul>
        )}
      </Section>
    </Stack>
  );
}
