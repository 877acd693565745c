/**
 * The Python accounts service's scenarios: deposits alone, then under a crash,
 * a pause and network latency (through Toxiproxy in front of its port).
 */
import { defineConfig } from '../../harness/index.ts';
import { pythonAccounts } from './accounts.target.ts';

const workload = { workers: 4, keys: 3, durationMs: 3000, timeoutMs: 1000 };

export default defineConfig({
  targets: [pythonAccounts],
  scenarios: [
    { name: 'python-deposits', description: 'concurrent deposits', target: 'python-accounts', workload },
    {
      name: 'python-deposits-faults',
      description: 'concurrent deposits while the service is crashed, paused and slowed',
      target: 'python-accounts',
      workload,
      faults: [
        { kind: 'crash', startMs: 600, durationMs: 300 },
        { kind: 'pause', startMs: 1400, durationMs: 300 },
        {
          kind: 'network',
          startMs: 2100,
          durationMs: 500,
          toxic: { type: 'latency', attributes: { latency: 50 } },
        },
      ],
    },
  ],
});
