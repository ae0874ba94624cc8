import { defineConfig } from 'vitest/config';

// `npm run test:browser`: suites that drive real headless Chromium (Debian's `chromium` through
// playwright-core). `npm test` excludes them so it runs without a browser.
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
