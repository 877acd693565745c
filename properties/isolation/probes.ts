/**
 * Isolation probes: for each anomaly of Adya's taxonomy (as Hermitage tests
 * them), two or three transactions with a fixed interleaving, run through the
 * interleaving scheduler at each isolation level of the database. The anomaly
 * is "allowed" when the outcome shows it, "prevented" when the database
 * blocked, aborted or hid it.
 *
 * Every probe starts from: test(id, value) = (1, 10), (2, 20).
 */

/** One statement's result as the probe sees it: the rows read, or the error. */
export type StatementResult = { rows: [number, number][] } | { error: string };

/** Results by client, then by statement (BEGIN is statement 0). */
export type Observation = { results: StatementResult[][]; committed: boolean[]; final: [number, number][] };

export interface Probe {
  name: string;
  description: string;
  /** Each client's statements after BEGIN; the last is COMMIT or ROLLBACK. */
  transactions: string[][];
  /** Clients in the order their statements (BEGIN included) are released. */
  schedule: number[];
  anomaly(o: Observation): boolean;
}

const values = (r: StatementResult | undefined): number[] =>
  r && 'rows' in r ? r.rows.map(([, v]) => v) : [];
const ids = (r: StatementResult | undefined): number[] => (r && 'rows' in r ? r.rows.map(([id]) => id) : []);
const read = (o: Observation, client: number, statement: number) => values(o.results[client]?.[statement]);
const finalValue = (o: Observation, id: number) => o.final.find(([k]) => k === id)?.[1];

/**
 * OTV as Adya defines it: the reader saw a write of one transaction (row 1),
 * then read row 2 at a version installed before that same transaction's
 * write of it, so the transaction it observed partly vanished. Row 2's
 * versions, in order: 20 (initial), 19 (T1), 18 (T2). Seeing T1's 11 and then
 * T2's 18 is only a non-repeatable read, which read committed permits.
 */
export function observedTransactionVanishes(row1: number | undefined, row2: number | undefined): boolean {
  const order = [20, 19, 18];
  const writerOfRow1 = row1 === 11 ? 19 : row1 === 12 ? 18 : undefined; // the observed writer's row-2 version
  if (writerOfRow1 === undefined || row2 === undefined) return false;
  return order.indexOf(row2) < order.indexOf(writerOfRow1);
}

const U = (id: number, value: number) => `UPDATE test SET value = ${value} WHERE id = ${id}`;
const S = (id: number) => `SELECT id, value FROM test WHERE id = ${id}`;

export const PROBES: Probe[] = [
  {
    name: 'G0',
    description: 'write cycles: two transactions overwrite each other on two rows',
    transactions: [
      [U(1, 11), U(2, 21), 'COMMIT'],
      [U(1, 12), U(2, 22), 'COMMIT'],
    ],
    schedule: [0, 1, 0, 1, 0, 0, 1, 1],
    anomaly: (o) => {
      const pair = `${finalValue(o, 1)},${finalValue(o, 2)}`;
      return pair !== '11,21' && pair !== '12,22' && pair !== '10,20';
    },
  },
  {
    name: 'G1a',
    description: 'aborted read: a value written by a transaction that rolled back is read',
    transactions: [
      [U(1, 101), 'ROLLBACK'],
      [S(1), S(1), 'COMMIT'],
    ],
    schedule: [0, 1, 0, 1, 0, 1, 1],
    anomaly: (o) => read(o, 1, 1).includes(101) || read(o, 1, 2).includes(101),
  },
  {
    name: 'G1b',
    description: 'intermediate read: a value a transaction overwrote before committing is read',
    transactions: [
      [U(1, 101), U(1, 11), 'COMMIT'],
      [S(1), S(1), 'COMMIT'],
    ],
    schedule: [0, 1, 0, 1, 0, 0, 1, 1],
    anomaly: (o) => read(o, 1, 1).includes(101) || read(o, 1, 2).includes(101),
  },
  {
    name: 'G1c',
    description: 'circular information flow: each transaction reads the other one uncommitted write',
    transactions: [
      [U(1, 11), S(2), 'COMMIT'],
      [U(2, 22), S(1), 'COMMIT'],
    ],
    schedule: [0, 1, 0, 1, 0, 1, 0, 1],
    anomaly: (o) => read(o, 0, 2).includes(22) && read(o, 1, 2).includes(11),
  },
  {
    name: 'OTV',
    description:
      "observed transaction vanishes: a reader sees one of T1's writes, then a version of another row older than T1's",
    transactions: [
      [U(1, 11), U(2, 19), 'COMMIT'],
      [U(1, 12), U(2, 18), 'COMMIT'],
      [S(1), S(2), 'COMMIT'],
    ],
    schedule: [0, 1, 2, 0, 0, 1, 0, 2, 1, 1, 2, 2],
    anomaly: (o) => observedTransactionVanishes(read(o, 2, 1)[0], read(o, 2, 2)[0]),
  },
  {
    name: 'PMP',
    description: 'predicate-many-preceders: a predicate read sees a row inserted after an earlier one',
    transactions: [
      [
        'SELECT id, value FROM test WHERE value = 30',
        'SELECT id, value FROM test WHERE value % 3 = 0',
        'COMMIT',
      ],
      ['INSERT INTO test VALUES (3, 30)', 'COMMIT'],
    ],
    schedule: [0, 1, 0, 1, 1, 0, 0],
    anomaly: (o) => ids(o.results[0]?.[1]).length === 0 && ids(o.results[0]?.[2]).includes(3),
  },
  {
    name: 'P4',
    description: 'lost update: both read the row, both write it, both commit',
    transactions: [
      [S(1), U(1, 11), 'COMMIT'],
      [S(1), U(1, 11), 'COMMIT'],
    ],
    schedule: [0, 1, 0, 1, 0, 1, 0, 1],
    anomaly: (o) => o.committed[0] === true && o.committed[1] === true,
  },
  {
    name: 'G-single',
    description:
      'read skew: a transaction reads one row before and one after another transaction changed both',
    transactions: [
      [S(1), S(2), 'COMMIT'],
      [S(1), S(2), U(1, 12), U(2, 18), 'COMMIT'],
    ],
    schedule: [0, 1, 0, 1, 1, 1, 1, 1, 0, 0],
    anomaly: (o) => read(o, 0, 1).includes(10) && read(o, 0, 2).includes(18),
  },
  {
    name: 'G2-item',
    description: 'write skew: both read both rows, each updates a different one, both commit',
    transactions: [
      ['SELECT id, value FROM test WHERE id IN (1, 2)', U(1, 11), 'COMMIT'],
      ['SELECT id, value FROM test WHERE id IN (1, 2)', U(2, 21), 'COMMIT'],
    ],
    schedule: [0, 1, 0, 1, 0, 1, 0, 1],
    anomaly: (o) => o.committed[0] === true && o.committed[1] === true,
  },
  {
    name: 'G2',
    description:
      'anti-dependency cycle on a predicate: both read a predicate, both insert into it, both commit',
    transactions: [
      ['SELECT id, value FROM test WHERE value % 3 = 0', 'INSERT INTO test VALUES (3, 30)', 'COMMIT'],
      ['SELECT id, value FROM test WHERE value % 3 = 0', 'INSERT INTO test VALUES (4, 42)', 'COMMIT'],
    ],
    schedule: [0, 1, 0, 1, 0, 1, 0, 1],
    anomaly: (o) => o.committed[0] === true && o.committed[1] === true,
  },
];

export const ISOLATION_LEVELS = {
  postgres: ['read committed', 'repeatable read', 'serializable'],
  mariadb: ['read uncommitted', 'read committed', 'repeatable read', 'serializable'],
} as const;
