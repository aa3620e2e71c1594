import Heading from '@atlaskit/heading';
import Spinner from '@atlaskit/spinner';
import { Box, Stack, xcss } from '@atlaskit/primitives';
import { useState } from 'react';
import type { ApiClient } from '../api/client';
import type { AgingReport, Customer, List } from '../api/types';
import { AgingChart } from '../components/AgingChart';
import { ErrorMessage } from '../components/ErrorMessage';
import { GenerateFlow } from '../components/GenerateFlow';
import { InvoiceList } from '../components/InvoiceList';
import { LicenceNotice } from '../components/LicenceNotice';
import { useLoad } from '../components/useLoad';
import { dateInZone } from '../format/dates';
import { licensed, remitNow, type PageContext } from '../host';

const card = xcss({
  backgroundColor: 'elevation.surface.raised',
  boxShadow: 'elevation.shadow.raised',
  borderRadius: 'radius.medium',
  padding: 'space.300',
});

/** ProjectPage is the project's Invoices page: generate, list, aging. */
export function ProjectPage({ ctx, api }: { ctx: PageContext; api: ApiClient }) {
  const [refresh, setRefresh] = useState(0);
  const customers = useLoad(() => api.get<List<Customer>>('/customers?limit=200'));
  const today = dateInZone(remitNow(ctx), ctx.timezone);
  const aging = useLoad(() => api.optional<AgingReport>(`/reports/aging?asOf=${today}`), [refresh]);
  return (
    <main style={{ padding: '16px 24px 24px', maxWidth: 1200 }} aria-label="Invoices">
      <Stack space="space.300">
        <Heading size="large" as="h1">
          Invoices
        </Heading>
        {!licensed(ctx) ? <LicenceNotice /> : null}
        {customers.error ? <ErrorMessage error={customers.error} title="Customers could not be loaded" /> : null}
        {customers.loading && !customers.data ? <Spinner label="Loading" /> : null}
        {customers.data ? (
          <>
            <Box xcss={card}>
              <Stack space="space.200">
                <Heading size="medium" as="h2">
                  Generate an invoice
                </Heading>
                {customers.data.items.length === 0 ? (
                  <p>Add a customer on the Remit settings page first.</p>
                ) : (
                  <GenerateFlow api={api} customers={customers.data.items} today={today} disabled={!licensed(ctx)} onCreated={() => setRefresh((r) => r + 1)} />
                )}
              </Stack>
            </Box>
            <Box xcss={card}>
              <Stack space="space.200">
                <Heading size="medium" as="h2">
                  All invoices
                </Heading>
                <InvoiceList api={api} customers={customers.data.items} refresh={refresh} today={today} disabled={!licensed(ctx)} />
              </Stack>
            </Box>
          </>
        ) : null}
        {aging.data ? (
          <Box xcss={card}>
            <Stack space="space.200">
              <Heading size="medium" as="h2">
                Aging
              </Heading>
              <AgingChart report={aging.data} />
            </Stack>
          </Box>
        ) : null}
        {aging.error ? <ErrorMessage error={aging.error} title="Aging report unavailable" /> : null}
      </Stack>
    </main>
  );
}
