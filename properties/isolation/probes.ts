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

/** How a probe is named in tables: the anomaly, then its sub-case. */
export const probeLabel = (p: { name: string; subCase?: string }) =>
  p.subCase ? `${p.name} (${p.subCase})` : p.name;

/** Results by client, then by statement (BEGIN is statement 0). */
export type Observation = { results: StatementResult[][]; committed: boolean[]; final: [number, number][] };

export interface Probe {
  /** The anomaly, as Adya names it; several probes (sub-cases) may test one anomaly. */
  name: string;
  /** Which way this probe provokes it, when there are several (Hermitage's sub-cases). */
  subCase?: string;
  /** Only read-only transactions observe the anomaly here (a level may prevent it for those alone). */
  readOnly?: boolean;
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
const rowsRead = (o: Observation, client: number, statement: number) => {
  const r = o.results[client]?.[statement];
  return r && 'rows' in r ? r.rows : [];
};
const hasRow = (rows: [number, number][], id: number, value: number) =>
  rows.some(([k, v]) => k === id && v === value);
const allCommitted = (o: Observation) => o.committed.every(Boolean);

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
    subCase: 'read predicate',
    readOnly: true,
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
    name: 'PMP',
    subCase: 'write predicate',
    description:
      "predicate-many-preceders on a write predicate (Postgres' documentation): T2 read the rows before T1 " +
      'added 10 to each, yet its DELETE ... WHERE value = 20 misses row 2',
    transactions: [
      ['UPDATE test SET value = value + 10', 'COMMIT'],
      [
        'SELECT id, value FROM test',
        'DELETE FROM test WHERE value = 20',
        'SELECT id, value FROM test',
        'COMMIT',
      ],
    ],
    schedule: [0, 1, 0, 1, 1, 0, 1, 1],
    // T2 read row 2 as 20, so it ran before T1: its delete must have removed row 2 (T1 then updates nothing there).
    anomaly: (o) => allCommitted(o) && hasRow(rowsRead(o, 1, 1), 2, 20) && finalValue(o, 2) !== undefined,
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
    subCase: 'read-only',
    readOnly: true,
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
    name: 'G-single',
    subCase: 'predicate reads',
    readOnly: true,
    description:
      "read skew through predicates: T1's first predicate read misses T2's change, its second sees it",
    transactions: [
      [
        'SELECT id, value FROM test WHERE value % 5 = 0',
        'SELECT id, value FROM test WHERE value % 3 = 0',
        'COMMIT',
      ],
      ['UPDATE test SET value = 12 WHERE value = 10', 'COMMIT'],
    ],
    schedule: [0, 1, 0, 1, 1, 0, 0],
    anomaly: (o) => hasRow(rowsRead(o, 0, 1), 1, 10) && hasRow(rowsRead(o, 0, 2), 1, 12),
  },
  ...(['read first', 'written first'] as const).map(
    (order): Probe => ({
      name: 'G-single',
      subCase: `write predicate, ${order}`,
      description:
        `read skew on a write predicate (${order === 'read first' ? 'T1 reads row 1 before T2 writes' : 'T2 writes both rows before T1 reads row 1, and commits after'}): ` +
        'T1 saw row 1 before T2 changed it, yet its DELETE ... WHERE value = 20 misses row 2, which T2 changed',
      transactions: [
        [S(1), 'DELETE FROM test WHERE value = 20', S(2), 'COMMIT'],
        ['SELECT id, value FROM test', U(1, 12), U(2, 18), 'COMMIT'],
      ],
      // Clients: 0 is T1, 1 is T2.
      schedule: order === 'read first' ? [0, 1, 0, 1, 1, 1, 1, 0, 0, 0] : [0, 1, 1, 1, 1, 0, 1, 0, 0, 0],
      // T1 read row 1 as 10, so it ran before T2: its delete must have removed row 2.
      anomaly: (o) => allCommitted(o) && read(o, 0, 1).includes(10) && finalValue(o, 2) !== undefined,
    }),
  ),
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
    subCase: 'predicate inserts',
    description:
      'anti-dependency cycle on a predicate: both read a predicate, both insert into it, both commit',
    transactions: [
      ['SELECT id, value FROM test WHERE value % 3 = 0', 'INSERT INTO test VALUES (3, 30)', 'COMMIT'],
      ['SELECT id, value FROM test WHERE value % 3 = 0', 'INSERT INTO test VALUES (4, 42)', 'COMMIT'],
    ],
    schedule: [0, 1, 0, 1, 0, 1, 0, 1],
    anomaly: (o) => o.committed[0] === true && o.committed[1] === true,
  },
  {
    name: 'G2',
    subCase: 'Fekete read-only',
    description:
      "Fekete et al.'s read-only anomaly, two anti-dependency edges: T3 reads T2's deposit but not T1's " +
      'withdrawal, which was decided on a read from before the deposit',
    transactions: [
      ['SELECT id, value FROM test ORDER BY id', U(1, 0), 'COMMIT'],
      ['UPDATE test SET value = value + 5 WHERE id = 2', 'COMMIT'],
      ['SELECT id, value FROM test ORDER BY id', 'COMMIT'],
    ],
    schedule: [0, 0, 1, 1, 1, 2, 2, 2, 0, 0],
    // T1 read row 2 before T2 (T1 < T2), T3 read T2's row 2 (T2 < T3) but T1's row 1 unwritten (T3 < T1).
    anomaly: (o) =>
      allCommitted(o) &&
      hasRow(rowsRead(o, 0, 1), 2, 20) &&
      hasRow(rowsRead(o, 2, 1), 2, 25) &&
      hasRow(rowsRead(o, 2, 1), 1, 10),
  },
];

export const ISOLATION_LEVELS = {
  postgres: ['read committed', 'repeatable read', 'serializable'],
  mariadb: ['read uncommitted', 'read committed', 'repeatable read', 'serializable'],
} as const;
