// Jira's light theme. The design tokens themselves are a stylesheet
// (src/generated/theme.css, written by scripts/theme-css.mjs and imported
// by boot.tsx), so a page paints with the right colours and type before
// any script runs; what selects them is a pair of attributes on <html>,
// which Remit's page shells carry and applyTheme sets where they do not
// (Forge's static resource pages).

export const THEME_ATTRIBUTES = {
  'data-color-mode': 'light',
  'data-theme': 'light:light dark:dark shape:shape spacing:spacing typography:typography',
} as const;

/** applyTheme sets the html attributes the token stylesheet selects on. */
export function applyTheme(doc: Document = document): void {
  for (const [k, v] of Object.entries(THEME_ATTRIBUTES)) doc.documentElement.setAttribute(k, v);
}
