import Heading from '@atlaskit/heading';
import Spinner from '@atlaskit/spinner';
import { Box, Stack, xcss } from '@atlaskit/primitives';
import type { ApiClient } from '../api/client';
import type { Policy, Settings } from '../api/types';
import { CustomerList } from '../components/CustomerList';
import { ErrorMessage } from '../components/ErrorMessage';
import { LicenceNotice } from '../components/LicenceNotice';
import { PolicyEditor } from '../components/PolicyEditor';
import { SettingsForm } from '../components/SettingsForm';
import { useLoad } from '../components/useLoad';
import { dateInZone } from '../format/dates';
import { licensed, remitNow, type PageContext } from '../host';

const card = xcss({
  backgroundColor: 'elevation.surface.raised',
  boxShadow: 'elevation.shadow.raised',
  borderRadius: 'radius.medium',
  padding: 'space.300',
});

/** AdminPage is Remit's settings page for Jira administrators. */
export function AdminPage({ ctx, api }: { ctx: PageContext; api: ApiClient }) {
  const settings = useLoad(() => api.get<Settings>('/settings'));
  // The policy API may not exist on every deployment yet: 404 hides the editor.
  const policy = useLoad(() => api.optional<Policy>('/policy'));
  const ok = licensed(ctx);
  const today = dateInZone(remitNow(ctx), settings.data?.timezone ?? ctx.timezone);
  return (
    <main style={{ padding: '16px 24px 24px', maxWidth: 1100 }} aria-label="Remit settings">
      <Stack space="space.300">
        <Heading size="large" as="h1">
          Remit settings
        </Heading>
        {!ok ? <LicenceNotice /> : null}
        {settings.loading && !settings.data ? <Spinner label="Loading settings" /> : null}
        {settings.error ? <ErrorMessage error={settings.error} title="Settings could not be loaded" /> : null}
        {settings.data ? (
          <Box xcss={card}>
            <Stack space="space.200">
              <Heading size="medium" as="h2">
                Billing
              </Heading>
              <SettingsForm api={api} initial={settings.data} disabled={!ok} onSaved={settings.set} />
            </Stack>
          </Box>
        ) : null}
        {settings.data ? (
          <Box xcss={card}>
            <Stack space="space.200">
              <Heading size="medium" as="h2">
                Customers and rates
              </Heading>
              <CustomerList api={api} defaultCurrency={settings.data.currency} disabled={!ok} onChange={() => undefined} />
            </Stack>
          </Box>
        ) : null}
        {policy.data ? (
          <Box xcss={card}>
            <Stack space="space.200">
              <Heading size="medium" as="h2">
                Follow-up policy
              </Heading>
              <PolicyEditor api={api} initial={policy.data} today={today} termsDays={settings.data?.paymentTermsDays ?? 30} disabled={!ok} />
            </Stack>
          </Box>
        ) : null}
        {policy.error ? <ErrorMessage error={policy.error} title="Follow-up policy unavailable" /> : null}
      </Stack>
    </main>
  );
}
