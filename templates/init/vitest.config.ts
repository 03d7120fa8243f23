import { defineConfig } from 'vitest/config';

// For running the tests yourself (`npx vitest`); `ainative build` brings its own vitest settings.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
  },
});
