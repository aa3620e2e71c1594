// Mounting a page: Jira's CSS reset and design tokens, the API client,
// and resizing the iframe whenever the content's height changes.

import '@atlaskit/css-reset';
import './generated/theme.css';
import { StrictMode, type ReactElement } from 'react';
import { createRoot } from 'react-dom/client';

import { connectHost, type ApiClient } from './api/client';
import { readContext, resizeToContent, withForgeContext, type PageContext } from './host';
import { firstPaintId } from './summary/summary';
import { applyTheme } from './theme';

/** boot renders page(ctx, api) into #remit-root and keeps the iframe
 * sized to it. Under Forge the transport and the page context come from
 * Forge's bridge, loaded first; under Connect nothing extra loads. */
export function boot(page: (ctx: PageContext, api: ApiClient) => ReactElement): void {
  const el = document.getElementById('remit-root');
  if (!el) return;
  applyTheme();
  connectHost().then(
    ({ api, forge }) => {
      const ctx = forge ? withForgeContext(readContext(el), forge) : readContext(el);
      createRoot(el).render(<StrictMode>{page(ctx, api)}</StrictMode>);
      let queued = false;
      const observer = new ResizeObserver(() => {
        if (queued) return;
        queued = true;
        requestAnimationFrame(() => {
          queued = false;
          resizeToContent(el);
        });
      });
      observer.observe(el);
      const first = document.getElementById(firstPaintId);
      if (first) observer.observe(first);
    },
    (err: unknown) => {
      el.textContent = err instanceof Error ? err.message : String(err);
    },
  );
}
