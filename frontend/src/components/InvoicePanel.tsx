import Button from '@atlaskit/button/new';
import { Inline } from '@atlaskit/primitives/compiled';
import Spinner from '@atlaskit/spinner';
import { lazy, Suspense, useEffect, useState } from 'react';
import type { ApiClient } from '../api/client';
import type { AuditEntry, CreditNote, Invoice, List, Payment, Timeline } from '../api/types';
import { flag, licensed, remitNow, type PageContext } from '../host';
import { isOpen } from '../summary/summary';
import { feesOutstanding, formatMoney, minorUnits } from '../format/money';
import { CorrectionsView, PaymentsView } from './Corrections';
import { CustomerSide } from './CustomerSide';
import { Downloads } from './Downloads';
import { apiPath, downloadFile } from './download';
import { ErrorMessage, Notice } from './ErrorMessage';
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
// So do the forms that correct an invoice and the confirmations.
const loadForms = () => import('./CorrectionForms');
const CreditNoteForm = lazy(() => loadForms().then((m) => ({ default: m.CreditNoteForm })));
const ReversalForm = lazy(() => loadForms().then((m) => ({ default: m.ReversalForm })));
const WaiverForm = lazy(() => loadForms().then((m) => ({ default: m.WaiverForm })));
const Confirm = lazy(() => loadForms().then((m) => ({ default: m.Confirm })));

/** Form is the one form the panel shows at a time, if any. */
type Form = { kind: 'pay' } | { kind: 'credit' } | { kind: 'waive' } | { kind: 'send' } | { kind: 'reverse'; payment: Payment };

/** InvoicePanel is the issue panel of an invoice issue: state, money,
 * due date, plan, follow-up timeline and the actions a manager takes. */
export function InvoicePanel({ ctx, api, initial }: { ctx: PageContext; api: ApiClient; initial: Invoice }) {
  const [inv, setInv] = useState(initial);
  const [form, setForm] = useState<Form | null>(null);
  const [sent, setSent] = useState(false);
  const [busy, setBusy] = useState('');
  const [failure, setFailure] = useState<Error>();
  // The timeline endpoint may not exist on every deployment: 404 hides it.
  const timeline = useLoad(() => api.optional<Timeline>(`/invoices/${inv.id}/timeline`), [inv.id, inv.paid, inv.disputed, inv.balance]);
  // Waivers are dated only in the audit log: read it when there are any.
  const waived = minorUnits(inv.lateFeesWaived, inv.currency) > 0n;
  const audit = useLoad(
    () => (waived ? api.get<List<AuditEntry>>(`/invoices/${inv.id}/audit?limit=200`) : Promise.resolve(null)),
    [inv.id, inv.lateFeesWaived],
  );
  const canWrite = licensed(ctx);
  const open = isOpen(inv);
  const fees = feesOutstanding(inv);
  const close = () => setForm(null);
  // Fetch the form once the panel is idle, so that it opens at once.
  useEffect(() => {
    if (!open || !canWrite) return;
    const t = setTimeout(() => {
      void loadPaymentForm();
      void loadForms();
    }, 500);
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

  // download fetches a credit note's PDF; the button that asked is marked
  // done, so a person (and a test) can tell the file was handed over.
  const download = async (label: string, path: string, name: string, button?: HTMLElement | null) => {
    setBusy(label);
    setFailure(undefined);
    try {
      await downloadFile(api, path, name);
      button?.setAttribute('data-downloaded', name);
    } catch (err) {
      setFailure(err instanceof Error ? err : new Error(String(err)));
    } finally {
      setBusy('');
    }
  };
  const creditNotePDF = (cn: CreditNote) =>
    download(`cn-${cn.id}`, apiPath(cn.pdf), `${cn.number}.pdf`, document.querySelector<HTMLElement>(`[data-testid="credit-note-pdf-${cn.id}"]`));

  const send = async () => {
    const next = await api.post<Invoice>(`/invoices/${inv.id}/send`, {});
    setInv(next);
    setForm(null);
    setSent(true);
    flag('Invoice sent', `${next.number} is on its way to the customer`);
  };

  const forms = (f: Form) => {
    switch (f.kind) {
      case 'pay':
        return (
          <PaymentForm
            api={api}
            invoice={inv}
            timezone={ctx.timezone}
            now={remitNow(ctx)}
            onCancel={close}
            onDone={(next) => {
              setInv(next);
              close();
              flag('Payment recorded', `${next.number}: balance ${formatMoney(next.balance, next.currency)}`);
            }}
          />
        );
      case 'credit':
        return (
          <CreditNoteForm
            api={api}
            invoice={inv}
            onCancel={close}
            onDone={(next, cn) => {
              setInv(next);
              close();
              flag('Credit note issued', `${cn.number}: ${formatMoney(cn.total, cn.currency)}; balance ${formatMoney(next.balance, next.currency)}`);
            }}
          />
        );
      case 'reverse':
        return (
          <ReversalForm
            api={api}
            invoice={inv}
            payment={f.payment}
            onCancel={close}
            onDone={(next) => {
              setInv(next);
              close();
              flag('Payment reversed', `${next.number}: balance ${formatMoney(next.balance, next.currency)}`);
            }}
          />
        );
      case 'waive':
        return (
          <WaiverForm
            api={api}
            invoice={inv}
            outstanding={fees}
            onCancel={close}
            onDone={(next) => {
              setInv(next);
              close();
              flag('Late fees waived', `${next.number}: balance ${formatMoney(next.balance, next.currency)}`);
            }}
          />
        );
      case 'send':
        return (
          <Confirm label="Send invoice" title={`Send ${inv.number} to ${inv.customerName}?`} confirm="Send" onConfirm={send} onCancel={close}>
            Remit e-mails the invoice PDF to the customer&apos;s billing e-mail address.
          </Confirm>
        );
    }
  };

  const sendable = inv.status !== 'void' && inv.status !== 'draft';
  const idle = !canWrite || busy !== '';
  return (
    <PanelFrame
      invoice={inv}
      notice={!canWrite ? <LicenceNotice /> : null}
      status={<StatusLozenge status={inv.status} overdue={inv.overdue && open} disputed={inv.disputed} needsReview={inv.needsReview} />}
    >
      <PaymentPlan invoice={inv} />
      <PaymentsView invoice={inv} disabled={idle || form !== null} onReverse={canWrite && inv.status !== 'void' && inv.status !== 'uncollectible' ? (p) => setForm({ kind: 'reverse', payment: p }) : undefined} />
      <CorrectionsView invoice={inv} audit={audit.data?.items} timezone={ctx.timezone} onPDF={(cn) => void creditNotePDF(cn)} busy={busy} />
      {timeline.data ? <TimelineView timeline={timeline.data} timezone={ctx.timezone} /> : null}
      <CustomerSide api={api} invoice={inv} canWrite={canWrite} ready={!timeline.loading} onInvoice={setInv} />
      {timeline.error ? <ErrorMessage error={timeline.error} title="Follow-up history unavailable" /> : null}
      {failure ? <ErrorMessage error={failure} /> : null}
      {sent ? (
        <Notice appearance="success" title="Invoice sent">
          <p data-testid="sent-notice">{inv.number} is on its way to the customer.</p>
        </Notice>
      ) : null}
      {form ? (
        <Suspense fallback={<Spinner size="small" label="Loading the form" />}>{forms(form)}</Suspense>
      ) : (
        <Inline space="space.100" shouldWrap>
          {open ? (
            <Button appearance="primary" isDisabled={idle} onClick={() => setForm({ kind: 'pay' })}>
              Record payment
            </Button>
          ) : null}
          {open ? (
            <Button isDisabled={idle} isLoading={busy === 'dispute'} onClick={() => void toggleDispute()}>
              {inv.disputed ? 'Resume follow-ups' : 'Dispute / pause'}
            </Button>
          ) : null}
          {open ? (
            <Button isDisabled={idle} onClick={() => setForm({ kind: 'credit' })}>
              Issue credit note
            </Button>
          ) : null}
          {open && minorUnits(fees, inv.currency) > 0n ? (
            <Button isDisabled={idle} onClick={() => setForm({ kind: 'waive' })}>
              Waive late fees
            </Button>
          ) : null}
          {sendable ? (
            <Button isDisabled={idle} onClick={() => setForm({ kind: 'send' })}>
              Send invoice
            </Button>
          ) : null}
          <Downloads api={api} invoice={inv} disabled={busy !== ''} onError={setFailure} />
        </Inline>
      )}
    </PanelFrame>
  );
}
