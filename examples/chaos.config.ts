// Run with: npm run chaos -- --config examples/chaos.config.ts
import { defineConfig } from '../harness/index.ts';
import accountDeposits from './account-deposits.target.ts';

export default defineConfig({
  targets: [accountDeposits],
  scenarios: [
    {
      name: 'concurrent-deposits',
      description: '8 workers deposit into 3 accounts at once',
      target: 'account-deposits',
      workload: { workers: 8, keys: 3, durationMs: 2000 },
    },
  ],
  run: { duration: '2s' },
});
