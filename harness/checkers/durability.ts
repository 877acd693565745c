/**
 * The durable-writes targets' inserts, judged by `acknowledgedWritesSurvive`.
 *
 * History: `write` operations with args `{ id }`. Final state: the ids present.
 */
import type { Checker } from '../core/check.ts';
import { acknowledgedWritesSurvive } from './acknowledged-writes-survive.ts';
import { argument } from './fields.ts';

export interface DurableState {
  ids: number[];
}

export function durability(op = 'write'): Checker<DurableState> {
  return acknowledgedWritesSurvive<DurableState>({
    name: 'durability',
    description: 'every acknowledged write survives crashes; no refused write appears',
    op,
    written: argument('id'),
    present: (state) => state.ids,
  });
}
