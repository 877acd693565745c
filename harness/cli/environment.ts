/**
 * The runner's environment as the CLI wires it: databases from the suite's
 * server pool, the nemesis for faults, and the load engines of load/.
 */
import { driveLoad } from '../../load/drive-load.ts';
import type { RunEnvironment } from '../core/environment.ts';
import { Nemesis } from '../faults/nemesis.ts';
import { type ProvidedPass, providePass } from '../providers/pass-resources.ts';
import type { ServerPool } from '../providers/server-pool.ts';

export function runEnvironment(pool: ServerPool): RunEnvironment<ProvidedPass> {
  return {
    providePass: (request) => providePass(pool, request),
    startFaults: (windows, pass, history, origin) =>
      new Nemesis(windows, pass.faultEnvironment, history, origin),
    driveLoad,
  };
}
