import Button from '@atlaskit/button/new';
import { Inline, Stack } from '@atlaskit/primitives/compiled';
import { token } from '@atlaskit/tokens';
import { useState } from 'react';
import type { ApiClient } from '../api/client';
import type { Invoice, PlanRequest } from '../api/types';
import { flag } from '../host';
import { formatDate } from '../format/dates';
import { formatMoney } from '../format/money';
import { ErrorMessage } from './ErrorMessage';
import { Section } from './Section';
import { useLoad } from './useLoad';

/** CustomerSide is the invoice panel's part of the customer page (SPEC
 * §15): the page's link, to copy or revoke, and the payment plans the
 * customer asked for there, to accept or decline. */
export function CustomerSide({
  api,
  invoice,
  canWrite,
  ready,
  onInvoice,
}: {
  api: ApiClient;
  invoice: Invoice;
  canWrite: boolean;
  /** ready is false until the panel's first call answered: the plan
   * requests wait for it, so that a token refresh is done once. */
  ready: boolean;
  onInvoice: (next: Invoice) => void;
}) {
  const [link, setLink] = useState('');
  const [busy, setBusy] = useState('');
  const [failure, setFailure] = useState<Error>();
  const [version, setVersion] = useState(0);
  const requests = useLoad(
    () => (ready ? api.optional<{ items: PlanRequest[] }>(`/invoices/${invoice.id}/plan-requests`) : Promise.resolve(null)),
    [invoice.id, version, ready],
  );
  if (invoice.status === 'draft') return null;
  const pending = (requests.data?.items ?? []).filter((r) => r.status === 'pending');

  const act = async (label: string, fn: () => Promise<void>) => {
    setBusy(label);
    setFailure(undefined);
    try {
      await fn();
    } catch (err) {
      setFailure(err instanceof Error ? err : new Error(String(err)));
    } finally {
      setBusy('');
    }
  };
  const show = () =>
    act('link', async () => {
      setLink((await api.post<{ url: string }>(`/invoices/${invoice.id}/customer-link`, {})).url);
    });
  const copy = () =>
    act('copy', async () => {
      await navigator.clipboard.writeText(link);
      flag('Link copied', 'Send it to the customer');
    });
  const revoke = () =>
    act('revoke', async () => {
      await api.del(`/invoices/${invoice.id}/customer-link`);
      setLink('');
      flag('Link revoked', 'The old link now says so; the next e-mail or "Show link" makes a new one');
    });
  const decide = (r: PlanRequest, how: 'accept' | 'decline') =>
    act(`${how}-${r.id}`, async () => {
      if (how === 'accept') {
        onInvoice(await api.post<Invoice>(`/invoices/${invoice.id}/plan-requests/${r.id}/accept`, {}));
        flag('Payment plan accepted', invoice.number);
      } else {
        await api.post(`/invoices/${invoice.id}/plan-requests/${r.id}/decline`, {});
        flag('Payment plan declined', invoice.number);
      }
      setVersion((v) => v + 1);
    });

  return (
    <Section title="Customer page" id="remit-customer-page">
      <div data-testid="customer-page">
        <Stack space="space.100">
          {link ? (
            <Inline space="space.100" shouldWrap alignBlock="center">
              <input
                aria-label="Customer page link"
                readOnly
                value={link}
                onFocus={(e) => e.currentTarget.select()}
                style={{ flex: '1 1 16rem', font: token('font.body.small'), padding: token('space.050') }}
              />
              <Button isDisabled={busy !== ''} onClick={() => void copy()}>
                Copy
              </Button>
              <Button appearance="warning" isDisabled={!canWrite || busy !== ''} isLoading={busy === 'revoke'} onClick={() => void revoke()}>
                Revoke
              </Button>
            </Inline>
          ) : (
            <Inline>
              <Button isDisabled={busy !== ''} isLoading={busy === 'link'} onClick={() => void show()}>
                Show customer link
              </Button>
            </Inline>
          )}
          {pending.map((r) => (
            <div key={r.id} data-testid="plan-request" style={{ font: token('font.body.small') }}>
              <strong>Payment plan asked for by the customer</strong>
              <ol style={{ margin: 0, paddingInlineStart: token('space.250') }}>
                {r.installments.map((it, i) => (
                  <li key={i}>
                    {formatMoney(it.amount, invoice.currency)} due {formatDate(it.dueDate)}
                  </li>
                ))}
              </ol>
              {r.note ? <p style={{ margin: 0 }}>“{r.note}”</p> : null}
              <Inline space="space.100">
                <Button appearance="primary" isDisabled={!canWrite || busy !== ''} isLoading={busy === `accept-${r.id}`} onClick={() => void decide(r, 'accept')}>
                  Accept
                </Button>
                <Button isDisabled={!canWrite || busy !== ''} isLoading={busy === `decline-${r.id}`} onClick={() => void decide(r, 'decline')}>
                  Decline
                </Button>
              </Inline>
            </div>
          ))}
          {requests.error ? <ErrorMessage error={requests.error} title="Plan requests unavailable" /> : null}
          {failure ? <ErrorMessage error={failure} /> : null}
        </Stack>
      </div>
    </Section>
  );
}
