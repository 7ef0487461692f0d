import { defineConfig } from 'vitest/config';

// Lets `npm test --workspace zapier` run the app's unit tests on their own. From the repo root the root
// config runs the same files (it includes zapier/test/**/*.test.ts).
export default defineConfig({
  // Keep Vite's cache in the root node_modules (where the dependencies are hoisted) instead of creating a
  // zapier/node_modules that would hold nothing but the cache.
  cacheDir: '../node_modules/.vite-zapier',
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    // zapier-platform-core runs its result checks (and throws CheckError) only when NODE_ENV starts with "test".
    env: { NODE_ENV: 'test' },
  },
});
