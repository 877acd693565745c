/**
 * The orchestrator's saga log: each saga and every step it starts and
 * finishes, written before the step's call is made, so a restarted
 * orchestrator knows what to compensate. The `no-saga-log` variant keeps it
 * in memory, where a crash loses it.
 */
import type pg from 'pg';

export type SagaStatus = 'RUNNING' | 'COMPENSATING' | 'COMPLETED' | 'COMPENSATED';

export interface SagaRecord {
  id: string;
  key: string;
  hash: string;
  request: Record<string, unknown>;
  status: SagaStatus;
  reason?: string;
  /** When the saga began (ms since the epoch, the orchestrator's clock): its timeout counts from here. */
  startedAtMs: number;
}

export interface SagaLog {
  find(key: string): Promise<SagaRecord | undefined>;
  /** False when the saga id (the order id) is taken, or the key was claimed concurrently. */
  create(record: Omit<SagaRecord, 'status'>): Promise<boolean>;
  step(
    sagaId: string,
    step: string,
    action: 'execute' | 'compensate',
    state: 'started' | 'done' | 'failed',
  ): Promise<void>;
  /** `decidedAtMs`: when the saga decided to complete or compensate (kept from the first decision). */
  setStatus(sagaId: string, status: SagaStatus, reason?: string, decidedAtMs?: number): Promise<void>;
  /** Sagas not finished (RUNNING or COMPENSATING). */
  unfinished(): Promise<SagaRecord[]>;
  /** The steps a saga started (in order) and those already compensated. */
  progress(sagaId: string): Promise<{ executed: string[]; compensated: string[] }>;
}

/** A row of the sagas table, as pg returns it. */
interface SagaRow {
  id: string;
  idempotency_key: string;
  request_hash: string;
  request: Record<string, unknown>;
  status: SagaStatus;
  reason: string | null;
  started_at_ms: string;
}

const recordOf = (row: SagaRow): SagaRecord => ({
  id: row.id,
  key: row.idempotency_key,
  hash: row.request_hash,
  request: row.request,
  status: row.status,
  reason: row.reason ?? undefined,
  startedAtMs: Number(row.started_at_ms),
});

export class DatabaseSagaLog implements SagaLog {
  constructor(private readonly pool: pg.Pool) {}

  async find(key: string): Promise<SagaRecord | undefined> {
    const row = (
      await this.pool.query(
        'SELECT id, idempotency_key, request_hash, request, status, reason, started_at_ms FROM sagas WHERE idempotency_key = $1',
        [key],
      )
    ).rows[0];
    return row && recordOf(row);
  }

  async create(record: Omit<SagaRecord, 'status'>): Promise<boolean> {
    const inserted = await this.pool.query(
      `INSERT INTO sagas (id, idempotency_key, request_hash, request, status, started_at_ms)
       VALUES ($1, $2, $3, $4, 'RUNNING', $5) ON CONFLICT DO NOTHING`,
      [record.id, record.key, record.hash, JSON.stringify(record.request), record.startedAtMs],
    );
    return inserted.rowCount === 1;
  }

  async step(
    sagaId: string,
    step: string,
    action: 'execute' | 'compensate',
    state: 'started' | 'done' | 'failed',
  ): Promise<void> {
    await this.pool.query('INSERT INTO saga_steps (saga_id, step, action, state) VALUES ($1, $2, $3, $4)', [
      sagaId,
      step,
      action,
      state,
    ]);
  }

  async setStatus(sagaId: string, status: SagaStatus, reason?: string, decidedAtMs?: number): Promise<void> {
    await this.pool.query(
      `UPDATE sagas SET status = $2, reason = COALESCE($3, reason), decided_at_ms = COALESCE(decided_at_ms, $4)
       WHERE id = $1`,
      [sagaId, status, reason ?? null, decidedAtMs ?? null],
    );
  }

  async unfinished(): Promise<SagaRecord[]> {
    const rows = (
      await this.pool.query(
        `SELECT id, idempotency_key, request_hash, request, status, reason, started_at_ms FROM sagas WHERE status IN ('RUNNING', 'COMPENSATING')`,
      )
    ).rows;
    return rows.map(recordOf);
  }

  async progress(sagaId: string) {
    const steps = (
      await this.pool.query('SELECT step, action, state FROM saga_steps WHERE saga_id = $1 ORDER BY seq', [
        sagaId,
      ])
    ).rows;
    return {
      executed: steps.filter((s) => s.action === 'execute' && s.state === 'started').map((s) => s.step),
      compensated: steps.filter((s) => s.action === 'compensate' && s.state === 'done').map((s) => s.step),
    };
  }
}

/** The bug of the `no-saga-log` variant: state that dies with the process. */
export class MemorySagaLog implements SagaLog {
  private readonly byKey = new Map<string, SagaRecord>();
  private readonly ids = new Set<string>();

  async find(key: string) {
    return this.byKey.get(key);
  }

  async create(record: Omit<SagaRecord, 'status'>) {
    if (this.ids.has(record.id) || this.byKey.has(record.key)) return false;
    this.ids.add(record.id);
    this.byKey.set(record.key, { ...record, status: 'RUNNING' });
    return true;
  }

  async step() {}

  async setStatus(sagaId: string, status: SagaStatus, reason?: string) {
    for (const record of this.byKey.values()) {
      if (record.id === sagaId) Object.assign(record, { status }, reason ? { reason } : {});
    }
  }

  async unfinished() {
    return [];
  }

  async progress() {
    return { executed: [], compensated: [] };
  }
}
