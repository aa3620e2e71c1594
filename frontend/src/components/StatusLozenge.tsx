import Lozenge from '@atlaskit/lozenge';
import { Inline } from '@atlaskit/primitives/compiled';
import type { InvoiceStatus } from '../api/types';

type Appearance = 'default' | 'inprogress' | 'moved' | 'new' | 'removed' | 'success';

const LABELS: Record<InvoiceStatus, [string, Appearance]> = {
  draft: ['Draft', 'new'],
  open: ['Open', 'inprogress'],
  partially_paid: ['Partially paid', 'inprogress'],
  paid: ['Paid', 'success'],
  void: ['Void', 'default'],
  uncollectible: ['Written off', 'removed'],
};

/** StatusLozenge shows an invoice's state the way Jira shows statuses,
 * with the overdue and disputed flags beside it. */
export function StatusLozenge({ status, overdue, disputed, needsReview }: { status: InvoiceStatus; overdue?: boolean; disputed?: boolean; needsReview?: boolean }) {
  const [label, appearance] = LABELS[status] ?? [status, 'default'];
  return (
    <Inline space="space.050" shouldWrap>
      <Lozenge appearance={appearance} isBold={status === 'paid'}>
        {label}
      </Lozenge>
      {overdue ? (
        <Lozenge appearance="removed" isBold>
          Overdue
        </Lozenge>
      ) : null}
      {disputed ? <Lozenge appearance="moved">Disputed</Lozenge> : null}
      {needsReview ? <Lozenge appearance="new">Needs review</Lozenge> : null}
    </Inline>
  );
}
