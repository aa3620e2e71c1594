// Forge Custom UI resources, run after `vite build`: Forge hosts each
// resource directory on its own and loads its index.html, so every page
// gets dist/forge/<page>/ with an index.html and a copy of every bundle
// the page can load (its entry, static imports, lazy chunks and CSS).
// The HTML carries only the page name; the rest of the context comes from
// Forge's bridge at run time (src/api/forge.ts). internal/forge's manifest
// points each Forge module at its directory.
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const dist = new URL('../dist/', import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(dist, '.vite/manifest.json'), 'utf8'));
const out = join(dist, 'forge');
rmSync(out, { recursive: true, force: true });

const esc = (s) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

for (const [key, entry] of Object.entries(manifest)) {
  if (!entry.isEntry) continue;
  const page = entry.name;
  // Static graph: preloaded and styled up front. Everything reachable:
  // copied, so lazy chunks resolve inside the resource directory.
  const statics = [];
  const css = new Set();
  const all = new Set();
  const walk = (k, isStatic) => {
    const c = manifest[k];
    if (!c) return;
    if (isStatic && !statics.includes(c.file)) {
      statics.push(c.file);
      for (const f of c.css ?? []) css.add(f);
    }
    if (all.has(c.file) && !isStatic) return;
    all.add(c.file);
    for (const f of c.css ?? []) all.add(f);
    for (const i of c.imports ?? []) walk(i, isStatic);
    for (const i of c.dynamicImports ?? []) walk(i, false);
  };
  walk(key, true);
  const dir = join(out, page);
  for (const f of all) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    copyFileSync(join(dist, f), join(dir, f));
  }
  const html = [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<title>Remit</title>',
    ...[...css].map((f) => `<link rel="stylesheet" href="./${esc(f)}">`),
    ...statics.slice(1).map((f) => `<link rel="modulepreload" href="./${esc(f)}">`),
    `<script type="module" src="./${esc(entry.file)}"></script>`,
    '</head>',
    '<body>',
    `<div id="remit-root" data-page="${esc(page)}"></div>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
  writeFileSync(join(dir, 'index.html'), html);
  console.log(`forge: resource ${page.padEnd(12)} dist/forge/${page}/ (${all.size} files)`);
}
