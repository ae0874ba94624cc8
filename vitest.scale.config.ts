import { defineConfig } from 'vitest/config';

// The scale suite (`npm run test:scale`, run by CI after `npm test`): the 100,000 × 100,000 PSI
// job with worker and Redis crashes (issue 15). Minutes on 2 cores, so not part of `npm test`.
export default defineConfig({
  test: {
    include: ['test/scale/**/*.test.ts'],
    testTimeout: 10 * 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
