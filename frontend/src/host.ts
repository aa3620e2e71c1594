// The page's host: the context Jira put in the iframe URL (rendered into
// data attributes by Remit) and the few Connect JS calls the pages make.
// Everything degrades to a no-op when the host API is missing.

interface APFlag {
  close?: () => void;
}

/** ConnectAP is the part of the Connect JavaScript API Remit uses. */
export interface ConnectAP {
  context?: { getToken?: (cb: (token: string) => void) => void };
  resize?: (width?: string, height?: string) => void;
  sizeToParent?: () => void;
  navigator?: { go?: (target: string, context: Record<string, unknown>) => void };
  flag?: { create?: (opts: { title: string; body?: string; type?: string; close?: string }) => APFlag };
}

declare global {
  interface Window {
    AP?: ConnectAP;
  }
}

/** PageContext is what Jira told Remit about where the page is shown. */
export interface PageContext {
  page: string;
  issueKey: string;
  projectKey: string;
  /** "active", "none" (unlicensed: read-only) or "" (not reported). */
  lic: string;
  timezone: string;
  siteUrl: string;
  /** How far Remit's clock is ahead of this browser's, in milliseconds:
   * the page shows Remit's today (dates, default periods), not the
   * browser's. 0 where the server did not say (Forge's static pages). */
  clockSkewMs: number;
}

/** remitNow is the current instant on Remit's clock, as far as the page
 * knows it. */
export function remitNow(ctx: PageContext): Date {
  return new Date(Date.now() + ctx.clockSkewMs);
}

/** skewOf is how far the instant the server rendered (RFC 3339) is ahead
 * of this browser's clock; 0 when it is missing or unreadable. */
function skewOf(serverNow: string | undefined): number {
  const at = serverNow ? Date.parse(serverNow) : NaN;
  return Number.isNaN(at) ? 0 : at - Date.now();
}

/** readContext reads the page context from the root element. */
export function readContext(el: HTMLElement): PageContext {
  const d = el.dataset;
  return {
    page: d.page ?? '',
    issueKey: d.issueKey ?? '',
    projectKey: d.projectKey ?? '',
    lic: d.lic ?? '',
    timezone: d.timezone || 'UTC',
    siteUrl: (d.siteUrl ?? '').replace(/\/$/, ''),
    clockSkewMs: skewOf(d.now),
  };
}

/** takeInitial returns the first answer the server rendered into the
 * page (a JSON script element), once: later loads ask the API. */
export function takeInitial<T>(doc: Document = document): T | undefined {
  const el = doc.getElementById('remit-initial');
  if (!el) return undefined;
  el.remove();
  try {
    return JSON.parse(el.textContent ?? '') as T;
  } catch {
    return undefined;
  }
}

/** withForgeContext fills the page context from Forge's view context:
 * a Forge resource page is static HTML, so only the page name is in it. */
export function withForgeContext(
  ctx: PageContext,
  f: { issueKey?: string; projectKey?: string; timezone?: string; siteUrl?: string; licenseActive?: boolean },
): PageContext {
  return {
    ...ctx,
    issueKey: f.issueKey || ctx.issueKey,
    projectKey: f.projectKey || ctx.projectKey,
    timezone: f.timezone || ctx.timezone,
    siteUrl: (f.siteUrl || ctx.siteUrl).replace(/\/$/, ''),
    lic: f.licenseActive === undefined ? ctx.lic : f.licenseActive ? 'active' : 'none',
  };
}

/** licensed is false only when Jira says the site has no licence. */
export function licensed(ctx: PageContext): boolean {
  return ctx.lic !== 'none';
}

/** resizeToContent tells the host the height of the page's content (the
 * root element, not the viewport), so Jira sizes the iframe to it instead
 * of showing a scroll bar. */
export function resizeToContent(root: HTMLElement): void {
  const style = getComputedStyle(document.body);
  // The root's bottom, not its height: the issue panel's first paint sits
  // above the root (summary/first-paint.ts).
  const h = Math.ceil(root.getBoundingClientRect().bottom + window.scrollY + parseFloat(style.marginBottom));
  window.AP?.resize?.('100%', `${Math.max(h, 1)}px`);
}

/** HostActions are the host's navigation and flags. Under Connect they
 * are the Connect JS API's (window.AP); a page under Forge registers
 * @forge/bridge's (src/api/forge.ts) with setHostActions. */
export interface HostActions {
  goToIssue(issueKey: string): void;
  goToModule(moduleKey: string): void;
  flag(title: string, body: string, type: 'success' | 'error' | 'info'): void;
}

let forgeActions: HostActions | undefined;

/** setHostActions makes the page navigate and show flags through a host
 * other than the Connect JS API (Forge); undefined goes back to it. */
export function setHostActions(a: HostActions | undefined): void {
  forgeActions = a;
}

/** goToIssue opens an issue in Jira (the whole page, not the iframe). */
export function goToIssue(issueKey: string): void {
  if (forgeActions) return forgeActions.goToIssue(issueKey);
  window.AP?.navigator?.go?.('issue', { issueKey });
}

/** goToAdmin opens Remit's admin page in Jira. */
export function goToAdmin(): void {
  if (forgeActions) return forgeActions.goToModule('remit-admin');
  window.AP?.navigator?.go?.('addonModule', { moduleKey: 'remit-admin' });
}

/** flag shows a Jira flag (a toast) when the host supports it. */
export function flag(title: string, body: string, type: 'success' | 'error' | 'info' = 'success'): void {
  if (forgeActions) return forgeActions.flag(title, body, type);
  window.AP?.flag?.create?.({ title, body, type, close: 'auto' });
}
