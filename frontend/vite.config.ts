import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

// One entry per iframe page; Go renders each page's HTML shell from the
// manifest, so the build emits no HTML. Relative base: the bundles work
// whatever path Remit is served under.
export default defineConfig({
  base: './',
  plugins: [react()],
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
