import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**'],
    // Integration tests start real database servers; give them room but keep
    // files sequential so two suites never fight over the 2 cores.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    // Tests marked concurrent (targets.integration.test.ts) run two at a time: one per core.
    maxConcurrency: 2,
    // One temp directory per run, removed at its end (see the file).
    globalSetup: ['./harness/testing/temp-dir.global-setup.ts'],
    reporters: ['default', 'json'],
    outputFile: { json: 'chaos-report/vitest.json' },
  },
});
