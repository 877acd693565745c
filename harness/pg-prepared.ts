/**
 * A lean Postgres connection for hot loops: prepared statements executed with
 * one Bind/Execute/Sync write each, text results, nothing else. It reuses
 * `pg`'s own protocol layer (message framing, parsing, SCRAM), but skips
 * `pg.Client`'s per-query machinery (query objects, type parsing, row
 * objects), which costs the client several times the CPU of the query itself.
 * On a 2-core machine that CPU is taken from the database, so it shows up
 * directly as lost throughput.
 */
import { createRequire } from 'node:module';
import type { ConnectionInfo } from './providers/types.ts';

const require = createRequire(import.meta.url);
const Connection = require('pg/lib/connection.js');
const sasl = require('pg/lib/crypto/sasl.js');
const { postgresMd5PasswordHash } = require('pg/lib/crypto/utils.js');
const { serialize } = require('pg-protocol');

// Execute (all rows) + Sync never change: serialize them once.
const EXECUTE_AND_SYNC: Buffer = Buffer.concat([serialize.execute({ rows: 0 }), serialize.sync()]);

export interface PreparedResult {
  /** Each row as its column values in text form (null for SQL NULL). */
  rows: (string | null)[][];
  /** Rows affected, from the command tag ("UPDATE 1" -> 1). */
  rowCount: number;
}

interface Pending {
  resolve(result: PreparedResult): void;
  reject(error: Error): void;
  rows: (string | null)[][];
  rowCount: number;
  error?: Error;
}

export class PreparedConnection {
  private readonly pending: Pending[] = [];
  private readonly prepared = new Set<string>();
  private broken: Error | undefined;

  private constructor(private readonly connection: any) {
    connection.on('dataRow', (msg: { fields: (string | null)[] }) => this.pending[0]?.rows.push(msg.fields));
    connection.on('commandComplete', (msg: { text: string }) => {
      const head = this.pending[0];
      if (head) head.rowCount = Number(msg.text.slice(msg.text.lastIndexOf(' ') + 1)) || 0;
    });
    connection.on('errorMessage', (error: Error) => {
      const head = this.pending[0];
      if (head) head.error = error;
    });
    connection.on('readyForQuery', () => {
      const head = this.pending.shift();
      if (!head) return;
      if (head.error) head.reject(head.error);
      else head.resolve({ rows: head.rows, rowCount: head.rowCount });
    });
    const fail = (error: Error) => {
      this.broken ??= error;
      for (const p of this.pending.splice(0)) p.reject(error);
    };
    connection.on('error', fail);
    connection.on('end', () =>
      fail(Object.assign(new Error('Connection terminated'), { code: 'ECONNRESET' })),
    );
  }

  /** Connect and authenticate (SCRAM, MD5 or cleartext, as the server asks). */
  static connect(
    info: ConnectionInfo,
    database = info.database,
    timeoutMs = 10_000,
  ): Promise<PreparedConnection> {
    return new Promise((resolve, reject) => {
      const connection = new Connection();
      let session: any;
      const timer = setTimeout(() => {
        connection.stream.destroy();
        reject(Object.assign(new Error('timeout expired'), { code: 'ETIMEDOUT' }));
      }, timeoutMs);
      const fail = (error: Error) => {
        clearTimeout(timer);
        connection.stream.destroy();
        reject(error);
      };
      connection.once('connect', () => connection.startup({ user: info.user, database }));
      connection.on('authenticationCleartextPassword', () => connection.password(info.password));
      connection.on('authenticationMD5Password', async (msg: { salt: Buffer }) =>
        connection.password(await postgresMd5PasswordHash(info.user, info.password, msg.salt)),
      );
      connection.on('authenticationSASL', (msg: { mechanisms: string[] }) => {
        session = sasl.startSession(msg.mechanisms);
        connection.sendSASLInitialResponseMessage(session.mechanism, session.response);
      });
      connection.on('authenticationSASLContinue', async (msg: { data: string }) => {
        try {
          await sasl.continueSession(session, info.password, msg.data);
          connection.sendSCRAMClientFinalMessage(session.response);
        } catch (error) {
          fail(error as Error);
        }
      });
      connection.on('authenticationSASLFinal', (msg: { data: string }) =>
        sasl.finalizeSession(session, msg.data),
      );
      connection.once('errorMessage', fail);
      connection.once('error', fail);
      connection.once('readyForQuery', () => {
        clearTimeout(timer);
        connection.removeAllListeners();
        resolve(new PreparedConnection(connection));
      });
      connection.connect(info.port, info.host);
    });
  }

  /** Run statement `name` (parsed on first use) with text parameters. */
  query(name: string, text: string, values: (string | number | null)[]): Promise<PreparedResult> {
    // Nothing is sent on a connection already known to be closed, so the call surely did not happen.
    if (this.broken)
      return Promise.reject(
        Object.assign(new Error(`connection closed: ${this.broken.message}`), { notSent: true }),
      );
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject, rows: [], rowCount: 0 });
      const parameters = values.map((v) => (v === null ? null : String(v)));
      const bind: Buffer = serialize.bind({ statement: name, values: parameters });
      // One buffer, one plain write: cheaper than a corked multi-buffer writev.
      const messages = [bind, EXECUTE_AND_SYNC];
      if (!this.prepared.has(name)) {
        messages.unshift(serialize.parse({ name, text, types: [] }));
        this.prepared.add(name);
      }
      this.connection.stream.write(Buffer.concat(messages));
    });
  }

  async end(): Promise<void> {
    if (this.broken) return;
    await new Promise<void>((resolve) => {
      this.connection.stream.once('close', () => resolve());
      this.connection.end();
    });
  }
}
