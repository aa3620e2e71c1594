import { defineConfig } from 'vitest/config';
import type { Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// inlineTokens compiles our token('color.text') calls to the CSS variable
// they stand for ('var(--ds-text)', what token() returns at run time), as
// Atlaskit's own packages ship them, so the pages do not carry
// @atlaskit/tokens' table of every token name. An unknown name fails the
// build.
function inlineTokens(): Plugin {
  const table = readFileSync(fileURLToPath(new URL('./node_modules/@atlaskit/tokens/dist/esm/artifacts/token-names.js', import.meta.url)), 'utf8');
  const names = new Map([...table.matchAll(/'([^']+)': '(--ds-[^']+)'/g)].map((m) => [m[1], m[2]]));
  return {
    name: 'remit-inline-tokens',
    enforce: 'pre',
    transform(code, id) {
      if (!/\/src\/.*\.tsx?$/.test(id) || !code.includes('token(')) return null;
      let out = code.replace(/\btoken\(\s*'([\w.-]+)'\s*(?:,\s*'([^'\\]*)'\s*)?\)/g, (_, name: string, fallback?: string) => {
        const v = names.get(name);
        if (!v) this.error(`unknown design token '${name}' in ${id}`);
        return JSON.stringify(fallback ? `var(${v}, ${fallback})` : `var(${v})`);
      });
      // With every call compiled, the import has nothing left to give.
      if (!/\btoken\(/.test(out)) out = out.replace(/^import \{ token \} from '@atlaskit\/tokens';\n/m, '');
      return out === code ? null : { code: out, map: null };
    },
  };
}

// The issue panel's first-paint script (src/summary/first-paint.ts) is
// built on its own, as one classic script that Remit inlines into the
// panel's page: `vite build --mode first-paint`, after the pages' build.
const firstPaint = {
  plugins: [inlineTokens()],
  publicDir: false as const,
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    target: 'es2022',
    sourcemap: false,
    lib: {
      entry: 'src/summary/first-paint.ts',
      formats: ['iife' as const],
      name: 'remitFirstPaint',
      fileName: () => 'first-paint.js',
    },
  },
};

// One entry per iframe page; Go renders each page's HTML shell from the
// manifest, so the build emits no HTML. Relative base: the bundles work
// whatever path Remit is served under.
export default defineConfig(({ mode }) => mode === 'first-paint' ? firstPaint : {
  base: './',
  plugins: [inlineTokens(), react()],
  resolve: {
    alias: {
      '@atlaskit/feature-gate-js-client/feature-gates': fileURLToPath(new URL('./src/vendor/feature-gates.ts', import.meta.url)),
    },
  },
  publicDir: false,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    manifest: true,
    target: 'es2022',
    sourcemap: false,
    // scripts/budget.mjs enforces the real budget per page.
    chunkSizeWarningLimit: 1024,
    rollupOptions: {
      input: {
        'issue-panel': 'src/entries/issue-panel.tsx',
        project: 'src/entries/project.tsx',
        admin: 'src/entries/admin.tsx',
        'get-started': 'src/entries/get-started.tsx',
      },
    },
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
  },
});
