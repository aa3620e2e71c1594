// Jira's design tokens for the light theme, inlined into the bundle so a
// page paints with the right colours and type on first render, without
// the extra round trips setGlobalTheme's dynamic imports would cost.

import light from '@atlaskit/tokens/dist/esm/artifacts/themes/atlassian-light.js';
import shape from '@atlaskit/tokens/dist/esm/artifacts/themes/atlassian-shape.js';
import spacing from '@atlaskit/tokens/dist/esm/artifacts/themes/atlassian-spacing.js';
import typography from '@atlaskit/tokens/dist/esm/artifacts/themes/atlassian-typography.js';

/** applyTheme installs the token CSS and the html attributes it selects on. */
export function applyTheme(doc: Document = document): void {
  const html = doc.documentElement;
  html.setAttribute('data-color-mode', 'light');
  html.setAttribute('data-theme', 'light:light dark:dark shape:shape spacing:spacing typography:typography');
  const style = doc.createElement('style');
  style.setAttribute('data-remit-theme', 'light');
  style.textContent = [light, shape, spacing, typography].join('\n');
  doc.head.appendChild(style);
}
