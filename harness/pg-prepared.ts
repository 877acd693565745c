/**
 * A lean Postgres connection for hot loops: prepared statements executed with
 * one Bind/Execute/Sync write each, text results, nothing else.
 *
 * Why not `pg.Client`: on a 2-core machine every microsecond the client spends
 * per query is taken from the database, and shows up directly as lost
 * throughput (see `npm run bench`). `pg.Client` builds query objects, parses
 * types and row objects; even `pg`'s bare protocol layer reads through a
 * Readable stream and emits an event per message. Here the socket hands its
 * bytes straight to one reusable buffer (`onread`), and the few messages a
 * prepared statement produces are read in place.
 *
 * The rare parts reuse `pg`'s own code: authentication (SCRAM, MD5, cleartext)
 * and the decoding of error messages into its `DatabaseError`.
 */
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import type { ConnectionInfo } from './core/database.ts';
import { connectFramed, type FrameFormat } from './framed-socket.ts';
import { handshakeWithin, LeanConnection } from './lean-connection.ts';

const require = createRequire(import.meta.url);
const sasl = require('pg/lib/crypto/sasl.js');
const { postgresMd5PasswordHash } = require('pg/lib/crypto/utils.js');
const { serialize } = require('pg-protocol');
const { Parser } = require('pg-protocol/dist/parser.js');

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
  /** The statement this request parses, until the server says the parse is complete. */
  parsing: string | undefined;
}

/** A backend message as pg-protocol's parser decodes it (used for the handshake and errors). */
interface DecodedMessage {
  name: string;
  [field: string]: any;
}

// Backend message types read in place (the first byte of each message).
const PARSE_COMPLETE = 0x31; // '1'
const DATA_ROW = 0x44; // 'D'
const COMMAND_COMPLETE = 0x43; // 'C'
const ERROR_RESPONSE = 0x45; // 'E'
const READY_FOR_QUERY = 0x5a; // 'Z'
const HEADER_BYTES = 5; // type byte + int32 length (the length counts itself, not the type)
const MESSAGE_FORMAT: FrameFormat = {
  headerBytes: HEADER_BYTES,
  frameLength: (data, at) => 1 + data.readInt32BE(at + 1),
};

// Execute (all rows) + Sync never change: serialize them once.
const EXECUTE_AND_SYNC: Buffer = Buffer.concat([serialize.execute({ rows: 0 }), serialize.sync()]);

/** Decode whole backend messages with pg-protocol (rare paths only: it allocates per message). */
function decodeMessages(bytes: Buffer): DecodedMessage[] {
  const messages: DecodedMessage[] = [];
  new Parser().parse(bytes, (message: DecodedMessage) => messages.push(message));
  return messages;
}

/** Bind's fixed part for one statement: unnamed portal, statement name, text parameter formats. */
function bindHeadOf(statement: string): Buffer {
  const name = Buffer.from(statement);
  const head = Buffer.alloc(1 + name.length + 1 + 2); // "" portal, name, int16 0: all parameters in text
  name.copy(head, 1);
  return head;
}

/** Short ASCII texts (ids, versions, tokens) are copied byte by byte: cheaper than a call into the UTF-8 encoder. */
const SHORT_TEXT = 32;
function isShortAscii(text: string): boolean {
  if (text.length > SHORT_TEXT) return false;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/**
 * Bind (unnamed portal, text parameters, text results), Execute and Sync for a
 * prepared statement, built in one buffer so a query costs one allocation and one write.
 */
function executeMessages(head: Buffer, values: (string | number | null)[]): Buffer {
  const texts: (string | null)[] = new Array(values.length);
  /** Each text's UTF-8 length, or -1 for a short ASCII one (copied byte by byte below). */
  const encoded: number[] = new Array(values.length);
  // 'B', int32 length (counting itself), the head, int16 count, per parameter int32 length + bytes,
  // int16 0 result formats
  let bindLength = 4 + head.length + 2 + 2;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    const text = value === null ? null : String(value);
    texts[i] = text;
    encoded[i] = text === null ? 0 : isShortAscii(text) ? -1 : Buffer.byteLength(text);
    bindLength += 4 + (encoded[i] === -1 ? text!.length : encoded[i]!);
  }
  const message = Buffer.allocUnsafe(1 + bindLength + EXECUTE_AND_SYNC.length);
  message[0] = 0x42; // 'B'
  let at = message.writeInt32BE(bindLength, 1);
  at += head.copy(message, at);
  at = message.writeInt16BE(values.length, at); // this call's count: a wrong one gets the server's own error
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i] as string | null;
    if (text === null) {
      at = message.writeInt32BE(-1, at);
      continue;
    }
    let bytes = text.length;
    if (encoded[i] === -1) for (let c = 0; c < bytes; c++) message[at + 4 + c] = text.charCodeAt(c);
    else bytes = message.write(text, at + 4);
    at = message.writeInt32BE(bytes, at) + bytes;
  }
  at = message.writeInt16BE(0, at); // all results in text format
  EXECUTE_AND_SYNC.copy(message, at);
  return message;
}

/**
 * The row count at the end of a command tag ("UPDATE 1", "INSERT 0 1",
 * "SELECT 3"; 0 for tags without one, like "BEGIN"), read from its bytes
 * `data[start..end)` without making a string.
 */
export function commandTagCount(data: Buffer, start: number, end: number): number {
  let count = 0;
  let scale = 1;
  let at = end - 1;
  for (; at >= start && data[at]! >= 0x30 && data[at]! <= 0x39; at--) {
    count += (data[at]! - 0x30) * scale;
    scale *= 10;
  }
  // Digits only count as a number when they are a word of their own ("UPDATE 1", not "V2").
  return at < end - 1 && at >= start && data[at] === 0x20 ? count : 0;
}

export class PreparedConnection extends LeanConnection<Pending> {
  /** The server process behind this connection (pg_backend_pid), from its greeting; pg.Client has the same field. */
  processID = 0;
  /** The statements parsed on this connection, each with its Bind head (built once, at the parse). */
  private readonly bindHeads = new Map<string, Buffer>();
  /** Until authentication is done, messages go to this handler instead of the query queue. */
  private handshake: ((message: DecodedMessage) => void) | undefined;

  private constructor(socket: Socket) {
    super(
      socket,
      (error) => error ?? Object.assign(new Error('Connection terminated'), { code: 'ECONNRESET' }),
    );
  }

  /** Connect and authenticate (SCRAM, MD5 or cleartext, as the server asks). */
  static connect(
    info: ConnectionInfo,
    database = info.database,
    timeoutMs = 10_000,
  ): Promise<PreparedConnection> {
    let connection: PreparedConnection | undefined;
    const socket = connectFramed(info, MESSAGE_FORMAT, (data, start, end) =>
      connection?.receive(data, start, end),
    );
    const opened = new PreparedConnection(socket);
    connection = opened;
    const timeout = () => Object.assign(new Error('timeout expired'), { code: 'ETIMEDOUT' });
    return handshakeWithin(socket, timeoutMs, timeout, (done, fail) => {
      let session: any;
      const closed = () => fail(new Error('the server closed the connection during startup'));
      socket.once('error', fail);
      socket.once('close', closed);
      socket.once('connect', () => socket.write(serialize.startup({ user: info.user, database })));
      opened.handshake = async (message) => {
        try {
          switch (message.name) {
            case 'authenticationCleartextPassword':
              socket.write(serialize.password(info.password));
              break;
            case 'authenticationMD5Password':
              socket.write(
                serialize.password(await postgresMd5PasswordHash(info.user, info.password, message.salt)),
              );
              break;
            case 'authenticationSASL':
              session = sasl.startSession(message.mechanisms);
              socket.write(serialize.sendSASLInitialResponseMessage(session.mechanism, session.response));
              break;
            case 'authenticationSASLContinue':
              await sasl.continueSession(session, info.password, message.data);
              socket.write(serialize.sendSCRAMClientFinalMessage(session.response));
              break;
            case 'authenticationSASLFinal':
              sasl.finalizeSession(session, message.data);
              break;
            case 'backendKeyData':
              opened.processID = message.processID;
              break;
            case 'error':
              fail(message as unknown as Error);
              break;
            case 'readyForQuery':
              socket.removeListener('error', fail);
              socket.removeListener('close', closed);
              opened.handshake = undefined;
              done(opened);
              break;
          }
        } catch (error) {
          fail(error as Error);
        }
      };
    });
  }

  /** One whole backend message: to the handshake until it is done, then to the query in flight. */
  private receive(data: Buffer, start: number, end: number): void {
    if (this.handshake) {
      for (const message of decodeMessages(data.subarray(start, end))) this.handshake?.(message);
    } else {
      this.handle(data, start, end);
    }
  }

  /** One backend message of a query in flight, read in place. */
  private handle(data: Buffer, start: number, end: number): void {
    const head = this.pending[0];
    if (!head) return;
    switch (data[start]) {
      case DATA_ROW: {
        const columns = data.readInt16BE(start + HEADER_BYTES);
        const row: (string | null)[] = new Array(columns);
        let at = start + HEADER_BYTES + 2;
        for (let c = 0; c < columns; c++) {
          const length = data.readInt32BE(at);
          at += 4;
          if (length < 0) row[c] = null;
          else {
            row[c] = data.toString('utf8', at, at + length);
            at += length;
          }
        }
        head.rows.push(row);
        break;
      }
      case COMMAND_COMPLETE: {
        head.rowCount = commandTagCount(data, start + HEADER_BYTES, end - 1);
        break;
      }
      case ERROR_RESPONSE:
        head.error = decodeMessages(data.subarray(start, end))[0] as unknown as Error;
        break;
      case PARSE_COMPLETE:
        head.parsing = undefined;
        break;
      case READY_FOR_QUERY:
        this.pending.shift();
        // A statement the server did not parse does not exist there: parse it again on its next use.
        if (head.parsing !== undefined) this.bindHeads.delete(head.parsing);
        if (head.error) head.reject(head.error);
        else head.resolve({ rows: head.rows, rowCount: head.rowCount });
        break;
      // BindComplete, notices, parameter changes: nothing to do.
    }
  }

  /** Run statement `name` (parsed on first use) with text parameters. */
  query(name: string, text: string, values: (string | number | null)[]): Promise<PreparedResult> {
    if (this.broken) return this.refused();
    return new Promise((resolve, reject) => {
      const head = this.bindHeads.get(name);
      this.pending.push({ resolve, reject, rows: [], rowCount: 0, parsing: head ? undefined : name });
      // One buffer, one write: cheaper than a corked multi-buffer writev.
      if (head) {
        this.send(executeMessages(head, values));
        return;
      }
      const first = bindHeadOf(name);
      this.bindHeads.set(name, first);
      this.send(Buffer.concat([serialize.parse({ name, text, types: [] }), executeMessages(first, values)]));
    });
  }

  end(): Promise<void> {
    return this.close(serialize.end());
  }
}
