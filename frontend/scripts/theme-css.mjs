// Jira's design tokens for the light theme as a stylesheet, run before
// `vite build`: @atlaskit/tokens ships each theme as a JS module whose
// default export is CSS text. As a .css file the tokens are parsed as CSS
// (not as JS strings injected at run time), cached with the bundle, and
// in force at the first paint, before any script has run.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const themes = new URL('../node_modules/@atlaskit/tokens/dist/esm/artifacts/themes/', import.meta.url).pathname;
const out = new URL('../src/generated/', import.meta.url).pathname;

const css = ['atlassian-light', 'atlassian-shape', 'atlassian-spacing', 'atlassian-typography'].map((name) => {
  const src = readFileSync(join(themes, name + '.js'), 'utf8');
  const m = /export default ("(?:[^"\\]|\\.)*");\s*$/.exec(src);
  if (!m) throw new Error(`theme-css: ${name}.js is not a CSS string module`);
  return `/* @atlaskit/tokens ${name} */\n` + JSON.parse(m[1]);
});
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'theme.css'), css.join('\n'));
console.log(`theme-css: src/generated/theme.css (${(css.join('\n').length / 1024).toFixed(1)} KB)`);
