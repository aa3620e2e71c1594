// Size budget of the iframe pages, run after `vite build`: sums the gzip
// size of each page's JS and CSS (its entry and every chunk it imports
// statically, i.e. what the browser loads before the page can render) and
// fails the build when the issue panel is over its budget. It also writes
// a .gz next to every JS and CSS file, which Remit serves to browsers
// that accept gzip.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, constants } from 'node:zlib';

const dist = new URL('../dist/', import.meta.url).pathname;
const BUDGETS = { 'issue-panel': 150 * 1024 };

const manifest = JSON.parse(readFileSync(join(dist, '.vite/manifest.json'), 'utf8'));
const gz = new Map();
const gzipSize = (file) => {
  if (!gz.has(file)) {
    const raw = readFileSync(join(dist, file));
    const packed = gzipSync(raw, { level: constants.Z_BEST_COMPRESSION });
    writeFileSync(join(dist, file + '.gz'), packed);
    gz.set(file, { raw: raw.length, gzip: packed.length });
  }
  return gz.get(file);
};

// Every emitted JS and CSS file gets its .gz, entry or not.
for (const chunk of Object.values(manifest)) {
  gzipSize(chunk.file);
  for (const css of chunk.css ?? []) gzipSize(css);
}

// vite empties dist/; the placeholder keeps go:embed working in a clean clone.
writeFileSync(join(dist, '.gitkeep'), '');

let failed = false;
// The Forge transport (@forge/bridge) must stay a lazy chunk: Connect
// pages never load it.
const forgeChunk = manifest['src/api/forge.ts']?.file;
for (const [key, chunk] of Object.entries(manifest)) {
  if (!chunk.isEntry) continue;
  const files = new Set();
  const walk = (k) => {
    const c = manifest[k];
    if (!c || files.has(c.file)) return;
    files.add(c.file);
    for (const css of c.css ?? []) files.add(css);
    for (const imp of c.imports ?? []) walk(imp);
  };
  walk(key);
  // The issue panel's page carries its first-paint script inline.
  if (chunk.name === 'issue-panel') files.add('first-paint.js');
  let raw = 0;
  let gzip = 0;
  for (const f of files) {
    const s = gzipSize(f);
    raw += s.raw;
    gzip += s.gzip;
  }
  // token() calls are compiled away at build time (vite.config.ts,
  // inlineTokens); the name-to-variable table must not come back.
  for (const f of files) {
    if (f.endsWith('.js') && /["']motion\.avatar\.enter["']/.test(readFileSync(join(dist, f), 'utf8'))) {
      console.error(`budget: ${chunk.name} ships @atlaskit/tokens' token name table (in ${f}); a token() call was not compiled`);
      failed = true;
    }
  }
  if (forgeChunk && files.has(forgeChunk)) {
    console.error(`budget: ${chunk.name} loads the Forge transport up front; it must stay a lazy import`);
    failed = true;
  }
  const budget = BUDGETS[chunk.name];
  const over = budget !== undefined && gzip > budget;
  failed ||= over;
  const kb = (n) => (n / 1024).toFixed(1) + ' KB';
  console.log(
    `${over ? 'OVER BUDGET' : 'size'}: ${chunk.name.padEnd(12)} JS+CSS ${kb(gzip)} gzipped (${kb(raw)} raw, ${files.size} files)` +
      (budget ? ` — budget ${kb(budget)}` : ''),
  );
}
if (failed) {
  console.error('budget: the issue panel is over its size budget; trim its imports or split them out');
  process.exit(1);
}
