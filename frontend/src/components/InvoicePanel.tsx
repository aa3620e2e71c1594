import Button from '@atlaskit/button/new';
import { Inline } from '@atlaskit/primitives/compiled';
import Spinner from '@atlaskit/spinner';
import { lazy, Suspense, useEffect, useState } from 'react';
import type { ApiClient } from '../api/client';
import type { Invoice, Timeline } from '../api/types';
import { flag, licensed, remitNow, type PageContext } from '../host';
import { isOpen } from '../summary/summary';
import { formatMoney } from '../format/money';
import { Downloads } from './Downloads';
import { ErrorMessage } from './ErrorMessage';
import { PanelFrame } from './PanelFrame';
import { LicenceNotice } from './LicenceNotice';
import { PaymentPlan } from './PaymentPlan';
import { StatusLozenge } from './StatusLozenge';
import { TimelineView } from './TimelineView';
import { useLoad } from './useLoad';

// The payment form (and the form fields it brings) loads on its own, after
// the panel has shown its figures: most views of an invoice record nothing.
const loadPaymentForm = () => import('./PaymentForm');
const PaymentForm = lazy(() => loadPaymentForm().then((m) => ({ default: m.PaymentForm })));

/** InvoicePanel is the issue panel of an invoice issue: state, money,
 * due date, plan, follow-up timeline and the actions a manager takes. */
export function InvoicePanel({ ctx, api, initial }: { ctx: PageContext; api: ApiClient; initial: Invoice }) {
  const [inv, setInv] = useState(initial);
  const [paying, setPaying] = useState(false);
  const [busy, setBusy] = useState('');
  const [failure, setFailure] = useState<Error>();
  // The timeline endpoint may not exist on every deployment: 404 hides it.
  const timeline = useLoad(() => api.optional<Timeline>(`/invoices/${inv.id}/timeline`), [inv.id, inv.paid, inv.disputed]);
  const canWrite = licensed(ctx);
  const open = isOpen(inv);
  // Fetch the form once the panel is idle, so that it opens at once.
  useEffect(() => {
    if (!open || !canWrite) return;
    const t = setTimeout(() => void loadPaymentForm(), 500);
    return () => clearTimeout(t);
  }, [open, canWrite]);

  const run = async (label: string, fn: () => Promise<Invoice>, done: string) => {
    setBusy(label);
    setFailure(undefined);
    try {
      setInv(await fn());
      flag(done, `${inv.number}`);
    } catch (err) {
      setFailure(err instanceof Error ? err : new Error(String(err)));
    } finally {
      setBusy('');
    }
  };

  const toggleDispute = () =>
    run(
      'dispute',
      async () => {
        await (inv.disputed ? api.del(`/invoices/${inv.id}/dispute`) : api.post(`/invoices/${inv.id}/dispute`, {}));
        return api.get<Invoice>(`/invoices/${inv.id}`);
      },
      inv.disputed ? 'Follow-ups resumed' : 'Invoice marked disputed; follow-ups paused',
    );

  return (
    <PanelFrame
      invoice={inv}
      notice={!canWrite ? <LicenceNotice /> : null}
      status={<StatusLozenge status={inv.status} overdue={inv.overdue && open} disputed={inv.disputed} needsReview={inv.needsReview} />}
    >
      <PaymentPlan invoice={inv} />
      {timeline.data ? <TimelineView timeline={timeline.data} timezone={ctx.timezone} /> : null}
      {timeline.error ? <ErrorMessage error={timeline.error} title="Follow-up history unavailable" /> : null}
      {failure ? <ErrorMessage error={failure} /> : null}
      {paying ? (
        <Suspense fallback={<Spinner size="small" label="Loading the payment form" />}>
          <PaymentForm
            api={api}
            invoice={inv}
            timezone={ctx.timezone}
            now={remitNow(ctx)}
            onCancel={() => setPaying(false)}
            onDone={(next) => {
              setInv(next);
              setPaying(false);
              flag('Payment recorded', `${next.number}: balance ${formatMoney(next.balance, next.currency)}`);
            }}
          />
        </Suspense>
      ) : (
        <Inline space="space.100" shouldWrap>
          {open ? (
            <Button appearance="primary" isDisabled={!canWrite || busy !== ''} onClick={() => setPaying(true)}>
              Record payment
            </Button>
          ) : null}
          {open ? (
            <Button isDisabled={!canWrite || busy !== ''} isLoading={busy === 'dispute'} onClick={() => void toggleDispute()}>
              {inv.disputed ? 'Resume follow-ups' : 'Dispute / pause'}
            </Button>
          ) : null}
          <Downloads api={api} invoice={inv} disabled={busy !== ''} onError={setFailure} />
        </Inline>
      )}
    </PanelFrame>
  );
}
