// The Forge side of the API client, loaded only when the page runs in
// Forge Custom UI (see connectHost): @forge/bridge's invokeRemote, and the
// page context from Forge's view context. @forge/bridge reaches for the
// host's bridge as soon as it loads, so it must never load under Connect.

import { invokeRemote as bridgeInvokeRemote, router, showFlag, view } from '@forge/bridge';
import type { HostActions } from '../host';
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

let flags = 0;

/** hostActions are Jira's navigation and flags through Forge's router
 * and showFlag; a failed navigation is logged, never thrown at a click. */
export const hostActions: HostActions = {
  goToIssue: (issueKey) => void router.navigate({ target: 'issue', issueKey }).catch(logFailure),
  goToModule: (moduleKey) => void router.navigate({ target: 'module', moduleKey }).catch(logFailure),
  flag: (title, body, type) => {
    showFlag({ id: `remit-${++flags}`, title, description: body, type, isAutoDismiss: true });
  },
};

function logFailure(err: unknown): void {
  console.warn('Forge navigation failed', err);
}
