import { defineConfig } from 'vitest/config';

// The slow suite (`npm run test:slow`): soak tests, full-lattice checks, scaling checks.
// Not part of `npm test`; run it before a release.
export default defineConfig({
  test: {
    include: ['test/slow/**/*.test.ts'],
    testTimeout: 30 * 60_000,
    hookTimeout: 30 * 60_000,
    fileParallelism: false,
  },
});
