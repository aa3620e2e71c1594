import Heading from '@atlaskit/heading';
import Lozenge from '@atlaskit/lozenge';
import Spinner from '@atlaskit/spinner';
import { Stack } from '@atlaskit/primitives/compiled';
import { token } from '@atlaskit/tokens';
import type { ApiClient } from '../api/client';
import type { Customer, List, Policy, Settings } from '../api/types';
import { ErrorMessage } from '../components/ErrorMessage';
import { useLoad } from '../components/useLoad';
import { goToAdmin, type PageContext } from '../host';

interface Item {
  title: string;
  detail: string;
  done: boolean;
}

/** checklist turns what the API says into the get-started items. */
export function checklist(s: Settings, customers: number, policy: Policy | null): Item[] {
  const statuses = s.statuses ?? { open: '', overdue: '', paid: '', void: '' };
  return [
    {
      title: 'Billing project and statuses',
      detail: s.configured ? `Invoices go to ${s.billingProjectKey}; statuses ${statuses.open}, ${statuses.overdue}, ${statuses.paid}, ${statuses.void}.` : 'Choose the project invoices are created in and the statuses they move through.',
      done: !!s.configured && !!s.billingProjectKey,
    },
    { title: 'First customer', detail: customers > 0 ? `${customers} customer${customers === 1 ? '' : 's'} set up.` : 'Add a customer with the JQL that selects their work and an hourly rate.', done: customers > 0 },
    {
      title: 'Follow-up policy',
      detail: policy ? `${policy.steps.length} steps, from ${Math.min(...policy.steps.map((x) => x.offsetDays))} to ${Math.max(...policy.steps.map((x) => x.offsetDays))} days around the due date.` : 'Review when reminders, escalation and late fees happen.',
      done: !!policy && policy.steps.length > 0,
    },
    { title: 'E-mail', detail: s.seller?.email ? `Reminders are sent from ${s.seller.email}.` : 'Add the seller e-mail that reminders come from.', done: !!s.seller?.email },
  ];
}

/** GetStartedPage is the post-install checklist for a new administrator. */
export function GetStartedPage({ api }: { ctx: PageContext; api: ApiClient }) {
  const state = useLoad(async () => {
    const [s, c, p] = await Promise.all([api.get<Settings>('/settings'), api.get<List<Customer>>('/customers?limit=200'), api.optional<Policy>('/policy')]);
    return checklist(s, c.items.length, p);
  });
  return (
    <main style={{ padding: '16px 24px 24px', maxWidth: 760 }} aria-label="Get started with Remit">
      <Stack space="space.300">
        <Heading size="large" as="h1">
          Get started with Remit
        </Heading>
        <p style={{ font: token('font.body'), color: token('color.text.subtle'), margin: 0 }}>Four steps and Remit turns worklogs into invoices and follows up on them.</p>
        {state.loading && !state.data ? <Spinner label="Loading" /> : null}
        {state.error ? <ErrorMessage error={state.error} /> : null}
        {state.data ? (
          <ol data-testid="checklist" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
            {state.data.map((it) => (
              <li key={it.title} style={{ display: 'flex', gap: token('space.200'), alignItems: 'flex-start', paddingBlock: token('space.150'), borderBlockEnd: `1px solid ${token('color.border')}` }}>
                <Lozenge appearance={it.done ? 'success' : 'default'}>{it.done ? 'Done' : 'To do'}</Lozenge>
                <div style={{ flex: 1 }}>
                  <div style={{ font: token('font.heading.xsmall') }}>{it.title}</div>
                  <div style={{ font: token('font.body'), color: token('color.text.subtle') }}>{it.detail}</div>
                </div>
                <a href="#admin" onClick={(e) => { e.preventDefault(); goToAdmin(); }} style={{ color: token('color.link'), font: token('font.body') }} aria-label={`${it.done ? 'Review' : 'Set up'}: ${it.title}`}>
                  {it.done ? 'Review' : 'Set up'}
                </a>
              </li>
            ))}
          </ol>
        ) : null}
      </Stack>
    </main>
  );
}
