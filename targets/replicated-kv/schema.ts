/**
 * The replicated key-value store: two nodes, each with its own database, both
 * accepting writes and sending them to the other asynchronously. What they
 * store, how a version is ordered, and the conflict strategies (the variants).
 */

export const NODES = ['a', 'b'] as const;
export type Node = (typeof NODES)[number];

/** The fields of a record; field-level merge keeps concurrent updates of different ones. */
export const FIELDS = ['name', 'email', 'phone'] as const;
/** The field a whole-value strategy stores a write under: the record is one register. */
export const WHOLE_VALUE = '*';

export const STRATEGIES = ['lww-hlc', 'first-write-wins', 'field-merge', 'manual', 'lww-wall-clock'] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** The register a write to `field` lands in: its own field under merge, the whole record otherwise. */
export const registerField = (strategy: Strategy, field: string) =>
  strategy === 'field-merge' ? field : WHOLE_VALUE;

/** A hybrid logical clock reading (a wall-clock-only one has logical 0). */
export interface Timestamp {
  wall: number;
  logical: number;
}

/** One write as the nodes store and replicate it. */
export interface StoredVersion {
  key: string;
  field: string;
  writeId: string;
  value: string;
  ts: Timestamp;
  /** The node that accepted it from a client: breaks timestamp ties the same way on both nodes. */
  origin: Node;
}

/** `a` is a later clock reading than `b`. */
export const later = (a: Timestamp, b: Timestamp) =>
  a.wall > b.wall || (a.wall === b.wall && a.logical > b.logical);

/** A row of the versions table, as the pg driver returns it. */
export interface VersionRow {
  key: string;
  field: string;
  write_id: string;
  value: string;
  wall: string;
  logical: number;
  origin: Node;
}

export const versionOf = (row: VersionRow): StoredVersion => ({
  key: row.key,
  field: row.field,
  writeId: row.write_id,
  value: row.value,
  ts: { wall: Number(row.wall), logical: row.logical },
  origin: row.origin,
});

/** Total order of versions: timestamp, then origin node, then write id. */
export function compareVersions(a: StoredVersion, b: StoredVersion): number {
  return (
    a.ts.wall - b.ts.wall ||
    a.ts.logical - b.ts.logical ||
    a.origin.localeCompare(b.origin) ||
    a.writeId.localeCompare(b.writeId)
  );
}

export const NODE_SCHEMA = [
  // The surviving versions of each register: one, except siblings kept by the manual strategy.
  `CREATE TABLE versions (
    key TEXT NOT NULL, field TEXT NOT NULL, write_id TEXT NOT NULL, value TEXT NOT NULL,
    wall BIGINT NOT NULL, logical INT NOT NULL, origin TEXT NOT NULL,
    PRIMARY KEY (key, field, write_id))`,
  // Manual: every version a later write said it replaces (a grow-only set, so replicas converge).
  'CREATE TABLE superseded (key TEXT NOT NULL, write_id TEXT NOT NULL, PRIMARY KEY (key, write_id))',
  // Writes accepted here, waiting to reach the other node (written in the transaction of the write).
  'CREATE TABLE outbox (seq BIGSERIAL PRIMARY KEY, version JSONB NOT NULL)',
];
