import Button from '@atlaskit/button/new';
import Lozenge from '@atlaskit/lozenge';
import { token } from '@atlaskit/tokens';
import type { AuditEntry, CreditNote, Invoice, Payment } from '../api/types';
import { corrections, paymentLabel, type Correction } from './correctionList';
import { Section } from './Section';

const row = { paddingBlock: token('space.075'), borderBlockEnd: `1px solid ${token('color.border')}` };
const line = { display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: token('space.100') };
const small = { font: token('font.body.small'), color: token('color.text.subtlest') };

/** PaymentsView lists an invoice's payments; a reversed one stays listed,
 * struck through, with who reversed it and why. With onReverse, each
 * payment still counted has a Reverse button. */
export function PaymentsView({ invoice, onReverse, disabled }: { invoice: Invoice; onReverse?: (p: Payment) => void; disabled?: boolean }) {
  const payments = invoice.payments ?? [];
  if (payments.length === 0) return null;
  return (
    <Section title="Payments" id="remit-payments">
      <ul data-testid="payments" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
        {payments.map((p, i) => (
          <li key={p.id ?? i} data-payment={p.id} data-reversed={p.reversed ? 'true' : 'false'} style={row}>
            <div style={line}>
              <span style={{ font: token('font.body'), textDecoration: p.reversed ? 'line-through' : undefined }}>{paymentLabel(p, invoice.currency)}</span>
              {p.reversed ? (
                <Lozenge appearance="removed">Reversed</Lozenge>
              ) : onReverse ? (
                <Button appearance="subtle" spacing="compact" isDisabled={disabled} onClick={() => onReverse(p)} aria-label={`Reverse the payment of ${paymentLabel(p, invoice.currency)}`}>
                  Reverse
                </Button>
              ) : null}
            </div>
            <div style={small}>
              {[p.method, p.reference].filter(Boolean).join(' · ')}
              {p.reversed ? ` · reversed: ${p.reversalReason ?? ''}` : ''}
              {p.returned ? ` · ${p.returned} ${invoice.currency} returned to the payer` : ''}
            </div>
          </li>
        ))}
      </ul>
    </Section>
  );
}

const KIND: Record<Correction['kind'], ['new' | 'moved' | 'inprogress', string]> = {
  'credit-note': ['new', 'Credit note'],
  reversal: ['moved', 'Reversal'],
  waiver: ['inprogress', 'Waiver'],
};

/** CorrectionsView is the timeline of an invoice's corrections: its
 * credit notes (each with its PDF), reversed payments and late-fee
 * waivers, with the reason given for each. */
export function CorrectionsView({ invoice, audit, timezone, onPDF, busy }: {
  invoice: Invoice;
  audit: AuditEntry[] | undefined;
  timezone: string;
  onPDF: (cn: CreditNote) => void;
  busy: string;
}) {
  const items = corrections(invoice, audit, timezone);
  if (items.length === 0) return null;
  return (
    <Section title="Corrections" id="remit-corrections">
      <ol data-testid="corrections" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
        {items.map((c, i) => {
          const [appearance, label] = KIND[c.kind];
          return (
            <li key={i} data-kind={c.kind} style={row}>
              <div style={line}>
                <span style={{ font: token('font.body'), fontWeight: token('font.weight.medium') }}>{c.title}</span>
                <Lozenge appearance={appearance}>{label}</Lozenge>
              </div>
              <div style={{ ...line, ...small }}>
                <span>
                  {c.when}
                  {c.detail ? ` · ${c.detail}` : ''}
                </span>
                {c.creditNote ? (
                  <Button
                    appearance="subtle"
                    spacing="compact"
                    testId={`credit-note-pdf-${c.creditNote.id}`}
                    isLoading={busy === `cn-${c.creditNote.id}`}
                    isDisabled={busy !== ''}
                    onClick={() => onPDF(c.creditNote!)}
                    aria-label={`Download the PDF of credit note ${c.creditNote.number}`}
                  >
                    PDF
                  </Button>
                ) : null}
              </div>
            </li>
          );
        })}
      </ol>
    </Section>
  );
}
