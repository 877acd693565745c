import { expect, it } from 'vitest';
import { summarizeFaultWindows } from './fault-windows.ts';
import type { FaultRecord } from './history.ts';

it('marks a fault window that reached nothing, or whose action failed, and no other', () => {
  const window = (detail: Record<string, unknown>): FaultRecord => ({
    fault: 'kill-connection',
    window: 0,
    startedAt: 10,
    stoppedAt: 10,
    detail,
  });
  const [killedSome, killedNone, failed] = summarizeFaultWindows(
    [
      window({ killed: 3 }),
      window({ killed: 0, reachedNothing: 'no sessions on database d to end' }),
      window({ error: 'connect ECONNREFUSED' }),
    ],
    [],
    [],
  );
  expect(killedSome!.reachedNothing).toBeUndefined();
  expect(killedNone!.reachedNothing).toBe('no sessions on database d to end');
  expect(failed!.reachedNothing).toBe('the fault failed: connect ECONNREFUSED');
});
