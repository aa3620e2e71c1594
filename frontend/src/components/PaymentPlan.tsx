import { token } from '@atlaskit/tokens';
import type { Installment, Invoice } from '../api/types';
import { formatDate } from '../format/dates';
import { formatMoney } from '../format/money';
import { Section } from './Section';

/** installmentsOf accepts the plan as a list or as {installments}. */
export function installmentsOf(plan: Invoice['plan']): Installment[] {
  if (!plan) return [];
  return Array.isArray(plan) ? plan : plan.installments ?? [];
}

/** PaymentPlan lists an invoice's installments with their due dates. */
export function PaymentPlan({ invoice }: { invoice: Invoice }) {
  const items = installmentsOf(invoice.plan);
  if (items.length === 0) return null;
  return (
    <Section title="Payment plan" id="remit-plan">
      <ol style={{ margin: 0, paddingInlineStart: token('space.250') }}>
        {items.map((it, i) => (
          <li key={i} style={{ font: token('font.body.small'), marginBlockEnd: token('space.050') }}>
            {formatMoney(it.amount, invoice.currency)} due {formatDate(it.dueDate)}
            {it.status ? <span style={{ color: token('color.text.subtlest') }}> · {it.status.replace(/_/g, ' ')}</span> : null}
          </li>
        ))}
      </ol>
    </Section>
  );
}
