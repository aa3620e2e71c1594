// The Forge side of the API client, loaded only when the page runs in
// Forge Custom UI (see connectHost): @forge/bridge's invokeRemote, and the
// page context from Forge's view context. @forge/bridge reaches for the
// host's bridge as soon as it loads, so it must never load under Connect.

import { invokeRemote as bridgeInvokeRemote, view } from '@forge/bridge';
import type { ForgeContext, InvokeRemote } from './client';

/** invokeRemote calls Remit's remote through Forge, which adds the Forge
 * invocation token and the system token. */
export const invokeRemote: InvokeRemote = (req) =>
  bridgeInvokeRemote({ ...req, method: req.method as 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' });

interface ViewContext {
  extension?: { issue?: { key?: string }; project?: { key?: string } };
  timezone?: string;
  siteUrl?: string;
  license?: { active?: boolean } | null;
}

/** forgeContext is what the page context needs from Forge's view context:
 * the issue or project the module is shown on, timezone, site, licence. */
export async function forgeContext(): Promise<ForgeContext> {
  const c = ((await view.getContext()) ?? {}) as ViewContext;
  return {
    issueKey: c.extension?.issue?.key,
    projectKey: c.extension?.project?.key,
    timezone: c.timezone,
    siteUrl: c.siteUrl,
    licenseActive: c.license ? c.license.active === true : undefined,
  };
}
