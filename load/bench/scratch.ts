/**
 * Every run of a bench tool gets a scratch database of its own: made with
 * the target's statements (then, optionally, statements on the admin
 * database, such as a CHECKPOINT), handed to the run, dropped afterwards.
 */
import type { DatabaseServer } from '../../harness/core/database.ts';
import { adminQuery } from '../../harness/providers/db.ts';
import { createScratchDatabase, type ScratchDatabase } from '../../harness/providers/scratch-database.ts';

export async function onScratchDatabase<T>(
  server: DatabaseServer,
  setup: { statements: string[]; thenOnServer?: string[] },
  run: (scratch: ScratchDatabase) => Promise<T>,
): Promise<T> {
  const scratch = await createScratchDatabase(server);
  try {
    await adminQuery(scratch.info, setup.statements);
    if (setup.thenOnServer) await adminQuery(server.admin, setup.thenOnServer);
    return await run(scratch);
  } finally {
    await scratch.drop();
  }
}
