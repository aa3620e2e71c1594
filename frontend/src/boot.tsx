// Mounting a page: Jira's CSS reset and design tokens, the API client,
// and resizing the iframe whenever the content's height changes.

import '@atlaskit/css-reset';
import { StrictMode, type ReactElement } from 'react';
import { createRoot } from 'react-dom/client';

import { createClient, type ApiClient } from './api/client';
import { readContext, resizeToContent, type PageContext } from './host';
import { applyTheme } from './theme';

/** boot renders page(ctx, api) into #remit-root and keeps the iframe
 * sized to it. */
export function boot(page: (ctx: PageContext, api: ApiClient) => ReactElement): void {
  const el = document.getElementById('remit-root');
  if (!el) return;
  applyTheme();
  const ctx = readContext(el);
  let api: ApiClient;
  try {
    api = createClient();
  } catch (err) {
    el.textContent = err instanceof Error ? err.message : String(err);
    return;
  }
  createRoot(el).render(<StrictMode>{page(ctx, api)}</StrictMode>);
  let queued = false;
  new ResizeObserver(() => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      resizeToContent(el);
    });
  }).observe(el);
}
