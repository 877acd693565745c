/**
 * Event sourcing on Postgres: each account is a stream of events in a table
 * with a unique (stream_id, version); a command loads the stream (from its
 * snapshot, then the later events), folds it into a balance, checks the
 * business rule (no overdraft) and appends its event at the version it
 * expects, so a concurrent append makes it fail instead of deciding on a
 * stale balance. Snapshots store the balance folded up to a version.
 *
 * Broken variants: `no-expected-version` appends at whatever version is
 * next when it writes, so two withdrawals that both passed the rule on the
 * same balance both land (an overdraft); `racy-snapshot` takes the balance
 * from one read and the version from a later one, so an append in between
 * makes the snapshot claim events it never folded in.
 */

import { type Checker, type Violation, verdictOf } from '../../harness/core/check.ts';
import type { Operation } from '../../harness/core/history.ts';
import { defineTarget, fail, ok } from '../../harness/core/target.ts';
import { adminQuery, connectPostgres, type PostgresClient } from '../../harness/providers/db.ts';

type Command = { stream: number; id: string } & (
  | { kind: 'deposit' | 'withdraw'; amount: number }
  | { kind: 'snapshot' }
);

interface StoredEvent {
  version: number;
  amount: number;
  command: string;
}

export interface Stream {
  stream: number;
  events: StoredEvent[];
  snapshot?: { version: number; balance: number; command: string };
}

const SCHEMA = [
  `CREATE TABLE events (
    stream_id INT NOT NULL, version INT NOT NULL, amount INT NOT NULL, command TEXT NOT NULL,
    PRIMARY KEY (stream_id, version))`,
  'CREATE TABLE snapshots (stream_id INT PRIMARY KEY, version INT NOT NULL, balance INT NOT NULL, command TEXT NOT NULL)',
];

/** The state of a stream: its balance after `version` events. */
async function load(client: PostgresClient, stream: number): Promise<{ version: number; balance: number }> {
  const snapshot = await client.query('SELECT version, balance FROM snapshots WHERE stream_id = $1', [
    stream,
  ]);
  const from = snapshot.rows[0]
    ? { version: snapshot.rows[0].version, balance: snapshot.rows[0].balance }
    : { version: 0, balance: 0 };
  const later = await client.query(
    'SELECT version, amount FROM events WHERE stream_id = $1 AND version > $2 ORDER BY version',
    [stream, from.version],
  );
  return later.rows.reduce((state, e) => ({ version: e.version, balance: state.balance + e.amount }), from);
}

const UNIQUE_VIOLATION = '23505';

async function append(
  client: PostgresClient,
  command: Command & { amount: number },
  version: number | 'next',
) {
  const sql =
    version === 'next'
      ? `INSERT INTO events (stream_id, version, amount, command)
         SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3 FROM events WHERE stream_id = $1`
      : 'INSERT INTO events (stream_id, version, amount, command) VALUES ($1, $4, $2, $3)';
  const signed = command.kind === 'withdraw' ? -command.amount : command.amount;
  const params =
    version === 'next' ? [command.stream, signed, command.id] : [command.stream, signed, command.id, version];
  await client.query(sql, params);
}

/** The checkers find a command's operation by its id, which the events and snapshots record. */
const operationsByCommand = (operations: Operation[]) =>
  new Map(operations.map((o) => [(o.args as Command).id, o.id]));

/** Each stream's versions are 1, 2, 3...: none missing, none twice. */
const contiguousVersions: Checker<Stream[]> = {
  name: 'contiguous-versions',
  description: "each stream's event versions run 1, 2, 3... with no gap and no repeat",
  check({ operations, finalState }) {
    const ids = operationsByCommand(operations);
    const violations: Violation[] = [];
    for (const { stream, events } of finalState)
      events.forEach((e, i) => {
        if (e.version !== i + 1)
          violations.push({
            invariant: 'contiguous-versions',
            message: `stream ${stream}: event ${i + 1} has version ${e.version}`,
            operations: [ids.get(e.command)].filter((id): id is number => id !== undefined),
          });
      });
    return verdictOf('contiguous-versions', violations);
  },
};

/**
 * The contract of appending with an expected version: an acknowledged command's event lands right
 * after the state it decided on. One that lands later was decided on a state out of date, whether or
 * not that broke a business rule this time.
 */
export const appendedAtExpectedVersion: Checker<Stream[]> = {
  name: 'appended-at-expected-version',
  description: "each acknowledged command's event is at the version after the one it decided on",
  check({ operations, finalState }) {
    const landed = new Map(
      finalState.flatMap(({ stream, events }) =>
        events.map((e) => [e.command, { stream, version: e.version }]),
      ),
    );
    const violations: Violation[] = [];
    for (const o of operations) {
      const decidedAt = (o.value as { decidedAt?: number } | undefined)?.decidedAt;
      const event = landed.get((o.args as Command).id);
      if (o.outcome !== 'ok' || decidedAt === undefined || !event || event.version === decidedAt + 1)
        continue;
      violations.push({
        invariant: 'appended-at-expected-version',
        message: `stream ${event.stream}: command ${(o.args as Command).id} decided on version ${decidedAt}, yet its event landed at version ${event.version}`,
        operations: [o.id],
      });
    }
    return verdictOf('appended-at-expected-version', violations);
  },
};

/** The business rule, on the folded state: no prefix of a stream leaves its balance below zero. */
const noOverdraft: Checker<Stream[]> = {
  name: 'no-overdraft',
  description: 'folding any prefix of a stream never gives a negative balance',
  check({ operations, finalState }) {
    const ids = operationsByCommand(operations);
    const violations: Violation[] = [];
    for (const { stream, events } of finalState) {
      let balance = 0;
      for (const e of events) {
        balance += e.amount;
        if (balance < 0) {
          violations.push({
            invariant: 'no-overdraft',
            message: `stream ${stream}: the withdrawal at version ${e.version} (${e.amount}) left the balance at ${balance}`,
            operations: [ids.get(e.command)].filter((id): id is number => id !== undefined),
          });
          break;
        }
      }
    }
    return verdictOf('no-overdraft', violations);
  },
};

/** A snapshot is the fold of its stream's events up to its version. */
const snapshotsMatchEvents: Checker<Stream[]> = {
  name: 'snapshot-matches-events',
  description: "rebuilding a stream from its events gives each snapshot's balance at its version",
  check({ operations, finalState }) {
    const ids = operationsByCommand(operations);
    const violations: Violation[] = [];
    for (const { stream, events, snapshot } of finalState) {
      if (!snapshot) continue;
      const folded = events.filter((e) => e.version <= snapshot.version).reduce((b, e) => b + e.amount, 0);
      if (folded !== snapshot.balance)
        violations.push({
          invariant: 'snapshot-matches-events',
          message: `stream ${stream}: the snapshot at version ${snapshot.version} says ${snapshot.balance}, its events fold to ${folded}`,
          operations: [ids.get(snapshot.command)].filter((id): id is number => id !== undefined),
        });
    }
    return verdictOf('snapshot-matches-events', violations);
  },
};

export const eventStore = defineTarget<PostgresClient, Stream[]>({
  name: 'event-store',
  description:
    'an event-sourced account: appends at an expected version, state folded from events and snapshots',
  database: 'postgres',
  variants: {
    correct: {
      description: 'append at the version the command decided on; snapshot from one read',
      broken: false,
    },
    'no-expected-version': {
      description: 'append at whatever version is next when the event is written',
      broken: true,
    },
    'racy-snapshot': {
      description: 'snapshot the balance from one read and the version from a later one',
      broken: true,
    },
  },
  setup: (ctx) => adminQuery(ctx.database, SCHEMA),
  connect: (ctx) => connectPostgres(ctx.database),
  disconnect: (client) => client.end(),
  operations: {
    async command(client, command: Command, ctx) {
      if (command.kind === 'snapshot') {
        const state = await load(client, command.stream);
        // The bug: the version comes from a second read, after appends may have landed.
        const version =
          ctx.variant === 'racy-snapshot'
            ? Number(
                (
                  await client.query(
                    'SELECT COALESCE(MAX(version), 0) AS v FROM events WHERE stream_id = $1',
                    [command.stream],
                  )
                ).rows[0].v,
              )
            : state.version;
        await client.query(
          `INSERT INTO snapshots (stream_id, version, balance, command) VALUES ($1, $2, $3, $4)
           ON CONFLICT (stream_id) DO UPDATE SET version = $2, balance = $3, command = $4
           WHERE snapshots.version < $2`,
          [command.stream, version, state.balance, command.id],
        );
        return ok({ version, balance: state.balance });
      }
      const state = await load(client, command.stream);
      if (command.kind === 'withdraw' && state.balance < command.amount)
        return fail(`insufficient funds: balance ${state.balance}, withdrawal ${command.amount}`);
      try {
        await append(client, command, ctx.variant === 'no-expected-version' ? 'next' : state.version + 1);
      } catch (error) {
        // Another command appended first: this one decided on a stale balance, and nothing was written.
        if ((error as { code?: string }).code === UNIQUE_VIOLATION)
          return fail(`stream ${command.stream} moved past version ${state.version}`);
        throw error;
      }
      return ok({ decidedAt: state.version, balance: state.balance });
    },
  },
  plan: ({ rng, worker, index, chooseKey }) => {
    const stream = chooseKey();
    const id = `w${worker}-${index}`;
    const roll = rng.next();
    if (roll < 0.25) return { op: 'command', args: { stream, id, kind: 'snapshot' } };
    // Withdrawals a little more often than deposits, so the rule binds.
    return {
      op: 'command',
      args: { stream, id, kind: roll < 0.65 ? 'withdraw' : 'deposit', amount: 1 + rng.int(10) },
    };
  },
  async finalState(ctx) {
    const client = await connectPostgres(ctx.database);
    try {
      const events = await client.query(
        'SELECT stream_id, version, amount, command FROM events ORDER BY stream_id, version',
      );
      const snapshots = await client.query('SELECT stream_id, version, balance, command FROM snapshots');
      const streams = new Map<number, Stream>();
      const streamOf = (id: number) => {
        if (!streams.has(id)) streams.set(id, { stream: id, events: [] });
        return streams.get(id)!;
      };
      for (const e of events.rows)
        streamOf(e.stream_id).events.push({ version: e.version, amount: e.amount, command: e.command });
      for (const s of snapshots.rows)
        streamOf(s.stream_id).snapshot = { version: s.version, balance: s.balance, command: s.command };
      return [...streams.values()];
    } finally {
      await client.end();
    }
  },
  checkers: [contiguousVersions, appendedAtExpectedVersion, noOverdraft, snapshotsMatchEvents],
});
