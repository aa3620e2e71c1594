import Spinner from '@atlaskit/spinner';
import { ApiError, type ApiClient } from '../api/client';
import type { Invoice, IssueBilling } from '../api/types';
import { ErrorMessage } from '../components/ErrorMessage';
import { InvoicePanel } from '../components/InvoicePanel';
import { firstPainted } from '../components/PanelFrame';
import { useLoad } from '../components/useLoad';
import { WorkPanel } from '../components/WorkPanel';
import { takeInitial, type PageContext } from '../host';

type Loaded = { kind: 'invoice'; invoice: Invoice } | { kind: 'work'; billing: IssueBilling };

/** initialAnswer is the answer Remit rendered into the page (the same the
 * API gives), read once: undefined when there is none, null before it
 * has been read. */
let initialAnswer: Loaded | undefined | null = null;

function initialFor(issueKey: string): Loaded | undefined {
  if (initialAnswer === null) initialAnswer = takeInitial<Loaded>();
  return initialAnswer && matches(initialAnswer, issueKey) ? initialAnswer : undefined;
}

/** IssuePanel decides which panel an issue gets: the invoice panel when
 * the issue is an invoice issue, else the work panel. */
export function IssuePanel({ ctx, api }: { ctx: PageContext; api: ApiClient }) {
  const key = encodeURIComponent(ctx.issueKey);
  const state = useLoad<Loaded>(async () => {
    try {
      return { kind: 'invoice', invoice: await api.get<Invoice>(`/invoices/by-issue/${key}`) };
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 404) throw err;
    }
    return { kind: 'work', billing: await api.get<IssueBilling>(`/issues/${key}/billing`) };
  }, [key], initialFor(ctx.issueKey));
  // The page's first paint drew the invoice panel's landmark and frame
  // above the root; the invoice panel fills that one (PanelFrame).
  if (state.data?.kind === 'invoice' && firstPainted()) return <InvoicePanel ctx={ctx} api={api} initial={state.data.invoice} />;
  return (
    <main style={{ padding: '2px' }} aria-label="Remit">
      {state.loading && !state.data ? <Spinner size="medium" label="Loading billing" /> : null}
      {state.error ? <ErrorMessage error={state.error} title="Remit could not load this issue" /> : null}
      {state.data?.kind === 'invoice' ? <InvoicePanel ctx={ctx} api={api} initial={state.data.invoice} /> : null}
      {state.data?.kind === 'work' ? <WorkPanel billing={state.data.billing} /> : null}
    </main>
  );
}

/** matches is whether an initial answer is about this issue. */
function matches(a: Loaded, issueKey: string): boolean {
  return a.kind === 'invoice' ? a.invoice.issueKey === issueKey : a.billing.issueKey === issueKey;
}
