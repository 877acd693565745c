/**
 * A lean MariaDB connection for hot loops: server-side prepared statements
 * (COM_STMT_PREPARE once per connection, then COM_STMT_EXECUTE), binary rows
 * decoded in place, nothing else.
 *
 * Why not mysql2: on a 2-core machine every microsecond the client spends per
 * statement is taken from the database, and shows up directly as lost
 * throughput (see `npm run bench`). mysql2 builds command objects, parses
 * every column definition of every result again and reads through a
 * Readable stream. Here the socket hands its bytes to one reusable buffer
 * (`onread`), like the lean Postgres connection in pg-prepared.ts.
 *
 * Authentication: mysql_native_password (MariaDB's default for
 * `CREATE USER ... IDENTIFIED BY`), also after an authentication switch.
 * Errors carry mysql2's fields (`errno`, `sqlState`, `sqlMessage`, `fatal`
 * for a broken connection), so outcome classification and retries read them
 * the same way.
 */
import { createHash } from 'node:crypto';
import type { Socket } from 'node:net';
import type { ConnectionInfo } from './core/database.ts';
import { connectFramed, type FrameFormat } from './framed-socket.ts';
import { handshakeWithin, LeanConnection } from './lean-connection.ts';

/** A statement's result: its rows (column values in order) or, for writes, the rows affected. */
export interface ExecuteResult {
  columns: string[];
  rows: Value[][];
  affectedRows: number;
  insertId: number;
}

export type Value = string | number | null;

/** Column `name` of a result's first row, or undefined when there is no row (no object built per call). */
export function firstValue(result: ExecuteResult, name: string): Value | undefined {
  return result.rows[0]?.[result.columns.indexOf(name)];
}
export type Parameter = string | number | bigint | boolean | null;

// Capability flags (client/server handshake).
const CLIENT_LONG_PASSWORD = 1 << 0;
const CLIENT_CONNECT_WITH_DB = 1 << 3;
const CLIENT_PROTOCOL_41 = 1 << 9;
const CLIENT_TRANSACTIONS = 1 << 13;
const CLIENT_SECURE_CONNECTION = 1 << 15;
const CLIENT_MULTI_RESULTS = 1 << 17;
const CLIENT_PS_MULTI_RESULTS = 1 << 18;
const CLIENT_PLUGIN_AUTH = 1 << 19;
const CLIENT_DEPRECATE_EOF = 1 << 24;
const WANTED_CAPABILITIES =
  CLIENT_LONG_PASSWORD |
  CLIENT_CONNECT_WITH_DB |
  CLIENT_PROTOCOL_41 |
  CLIENT_TRANSACTIONS |
  CLIENT_SECURE_CONNECTION |
  CLIENT_MULTI_RESULTS |
  CLIENT_PS_MULTI_RESULTS |
  CLIENT_PLUGIN_AUTH |
  CLIENT_DEPRECATE_EOF;
const UTF8MB4_GENERAL_CI = 45;
const SERVER_MORE_RESULTS_EXIST = 0x08;

const COM_QUIT = 0x01;
const COM_STMT_PREPARE = 0x16;
const COM_STMT_EXECUTE = 0x17;

const OK = 0x00;
const EOF = 0xfe;
const ERR = 0xff;

// Column types with a fixed-size binary encoding; every other type is a length-encoded string.
const TYPE_TINY = 0x01;
const TYPE_SHORT = 0x02;
const TYPE_LONG = 0x03;
const TYPE_FLOAT = 0x04;
const TYPE_DOUBLE = 0x05;
const TYPE_NULL = 0x06;
const TYPE_TIMESTAMP = 0x07;
const TYPE_LONGLONG = 0x08;
const TYPE_INT24 = 0x09;
const TYPE_DATE = 0x0a;
const TYPE_TIME = 0x0b;
const TYPE_DATETIME = 0x0c;
const TYPE_YEAR = 0x0d;
const TYPE_VAR_STRING = 0xfd;
const UNSIGNED_FLAG = 0x20;

const HEADER_BYTES = 4; // 3-byte little-endian payload length + sequence id
const PACKET_FORMAT: FrameFormat = {
  headerBytes: HEADER_BYTES,
  frameLength: (data, at) => HEADER_BYTES + data.readUIntLE(at, 3),
};

interface Column {
  name: string;
  type: number;
  unsigned: boolean;
}

interface Statement {
  id: number;
  parameters: number;
  /** The result's columns, and their names as results report them. */
  columns: Column[];
  names: string[];
}

/** The statement's result columns, with the names results report. */
function setColumns(statement: Statement, columns: Column[]): void {
  statement.columns = columns;
  statement.names = columns.map((c) => c.name);
}

/** A response being read: the packets of one command until its last one. */
interface Pending {
  onPacket(payload: Buffer): boolean; // true when the response is complete
  reject(error: Error): void;
}

/** An error the server sent, shaped like mysql2's so classification and retries read it the same way. */
function serverError(payload: Buffer): Error {
  const errno = payload.readUInt16LE(1);
  const hasState = payload[3] === 0x23; // '#'
  const sqlState = hasState ? payload.toString('latin1', 4, 9) : 'HY000';
  const sqlMessage = payload.toString('utf8', hasState ? 9 : 3);
  return Object.assign(new Error(sqlMessage), { errno, sqlState, sqlMessage, code: `ER_${errno}` });
}

/** A length-encoded integer at `at`: its value and where the next field starts. */
function lengthEncoded(payload: Buffer, at: number): [value: number, next: number] {
  const first = payload[at]!;
  if (first < 0xfb) return [first, at + 1];
  if (first === 0xfc) return [payload.readUInt16LE(at + 1), at + 3];
  if (first === 0xfd) return [payload.readUIntLE(at + 1, 3), at + 4];
  if (first === 0xfe) return [Number(payload.readBigUInt64LE(at + 1)), at + 9];
  return [-1, at + 1]; // 0xfb: NULL
}

function writeLengthEncoded(value: number, into: Buffer, at: number): number {
  if (value < 0xfb) return into.writeUInt8(value, at);
  if (value < 0x10000) return into.writeUInt16LE(value, into.writeUInt8(0xfc, at));
  if (value < 0x1000000) return into.writeUIntLE(value, into.writeUInt8(0xfd, at), 3);
  return into.writeBigUInt64LE(BigInt(value), into.writeUInt8(0xfe, at));
}

const lengthEncodedSize = (value: number) =>
  value < 0xfb ? 1 : value < 0x10000 ? 3 : value < 0x1000000 ? 4 : 9;

/** mysql_native_password: SHA1(password) XOR SHA1(scramble + SHA1(SHA1(password))). */
export function nativePasswordToken(password: string, scramble: Buffer): Buffer {
  if (password === '') return Buffer.alloc(0);
  const sha1 = (data: Buffer) => createHash('sha1').update(data).digest();
  const once = sha1(Buffer.from(password, 'utf8'));
  const mixed = sha1(Buffer.concat([scramble, sha1(once)]));
  for (let i = 0; i < once.length; i++) once[i]! ^= mixed[i]!;
  return once;
}

/** A column definition packet: only the name, type and unsigned flag are kept. */
function columnDefinition(payload: Buffer): Column {
  let at = 0;
  for (let field = 0; field < 4; field++) at = skipString(payload, at); // catalog, schema, table alias, table
  const [nameLength, nameAt] = lengthEncoded(payload, at);
  const name = payload.toString('utf8', nameAt, nameAt + nameLength);
  at = skipString(payload, nameAt + nameLength); // original column name
  at = lengthEncoded(payload, at)[1]; // length of the fixed fields (0x0c)
  const type = payload[at + 6]!; // after charset (2) and column length (4)
  const flags = payload.readUInt16LE(at + 7);
  return { name, type, unsigned: (flags & UNSIGNED_FLAG) !== 0 };
}

function skipString(payload: Buffer, at: number): number {
  const [length, next] = lengthEncoded(payload, at);
  return next + Math.max(length, 0);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** DATE, DATETIME and TIMESTAMP as 'YYYY-MM-DD[ hh:mm:ss[.ffffff]]' (text, as the text protocol sends it). */
function binaryDate(payload: Buffer, at: number, length: number, type: number): string {
  if (length === 0) return type === TYPE_DATE ? '0000-00-00' : '0000-00-00 00:00:00';
  const date = `${pad(payload.readUInt16LE(at), 4)}-${pad(payload[at + 2]!)}-${pad(payload[at + 3]!)}`;
  if (type === TYPE_DATE) return date;
  const time =
    length >= 7 ? `${pad(payload[at + 4]!)}:${pad(payload[at + 5]!)}:${pad(payload[at + 6]!)}` : '00:00:00';
  return length === 11 ? `${date} ${time}.${pad(payload.readUInt32LE(at + 7), 6)}` : `${date} ${time}`;
}

/** TIME as '[-]hh:mm:ss[.ffffff]'. */
function binaryTime(payload: Buffer, at: number, length: number): string {
  if (length === 0) return '00:00:00';
  const sign = payload[at] === 1 ? '-' : '';
  const hours = payload.readUInt32LE(at + 1) * 24 + payload[at + 5]!;
  const time = `${sign}${pad(hours)}:${pad(payload[at + 6]!)}:${pad(payload[at + 7]!)}`;
  return length === 12 ? `${time}.${pad(payload.readUInt32LE(at + 8), 6)}` : time;
}

/** A binary result row: 0x00, a NULL bitmap (offset 2), then each non-NULL value in its type's encoding. */
function binaryRow(payload: Buffer, columns: Column[]): Value[] {
  const row: Value[] = new Array(columns.length);
  let at = 1 + ((columns.length + 7 + 2) >> 3);
  for (let c = 0; c < columns.length; c++) {
    const bit = c + 2;
    if (payload[1 + (bit >> 3)]! & (1 << (bit & 7))) {
      row[c] = null;
      continue;
    }
    const { type, unsigned } = columns[c]!;
    switch (type) {
      case TYPE_TINY:
        row[c] = unsigned ? payload.readUInt8(at) : payload.readInt8(at);
        at += 1;
        break;
      case TYPE_SHORT:
      case TYPE_YEAR:
        row[c] = unsigned ? payload.readUInt16LE(at) : payload.readInt16LE(at);
        at += 2;
        break;
      case TYPE_LONG:
      case TYPE_INT24:
        row[c] = unsigned ? payload.readUInt32LE(at) : payload.readInt32LE(at);
        at += 4;
        break;
      case TYPE_LONGLONG: {
        // A number when it fits exactly, its digits otherwise (as mysql2 with supportBigNumbers).
        const value = unsigned ? payload.readBigUInt64LE(at) : payload.readBigInt64LE(at);
        row[c] =
          value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
            ? Number(value)
            : value.toString();
        at += 8;
        break;
      }
      case TYPE_FLOAT:
        row[c] = payload.readFloatLE(at);
        at += 4;
        break;
      case TYPE_DOUBLE:
        row[c] = payload.readDoubleLE(at);
        at += 8;
        break;
      case TYPE_NULL:
        row[c] = null;
        break;
      case TYPE_DATE:
      case TYPE_DATETIME:
      case TYPE_TIMESTAMP:
        row[c] = binaryDate(payload, at + 1, payload[at]!, type);
        at += 1 + payload[at]!;
        break;
      case TYPE_TIME:
        row[c] = binaryTime(payload, at + 1, payload[at]!);
        at += 1 + payload[at]!;
        break;
      default: {
        // Strings, blobs, decimals, JSON, enums: length-encoded bytes, read as UTF-8 text.
        const [length, start] = lengthEncoded(payload, at);
        row[c] = payload.toString('utf8', start, start + length);
        at = start + length;
      }
    }
  }
  return row;
}

/** A packet of `payloadLength` bytes after the header, which this fills in. */
function packetOf(payloadLength: number, sequence: number): Buffer {
  const packet = Buffer.allocUnsafe(HEADER_BYTES + payloadLength);
  packet.writeUIntLE(payloadLength, 0, 3);
  packet[3] = sequence & 0xff;
  return packet;
}

/** The binary protocol's type for a parameter value. */
function parameterType(value: Parameter): number {
  if (value === null) return TYPE_NULL;
  if (typeof value === 'number') return Number.isInteger(value) ? TYPE_LONGLONG : TYPE_DOUBLE;
  if (typeof value === 'boolean') return TYPE_TINY;
  return TYPE_VAR_STRING; // strings, and bigints as their digits
}

/** COM_STMT_EXECUTE with every parameter bound in its own binary type. */
function executePacket(statement: Statement, values: Parameter[]): Buffer {
  if (values.length !== statement.parameters)
    throw new Error(`the statement takes ${statement.parameters} parameters, got ${values.length}`);
  const types = values.map(parameterType);
  const texts = values.map((v) => (typeof v === 'string' ? v : typeof v === 'bigint' ? v.toString() : ''));
  const textBytes = texts.map((text) => Buffer.byteLength(text));
  const nullBitmapBytes = (values.length + 7) >> 3;
  let length = 1 + 4 + 1 + 4;
  if (values.length > 0) length += nullBitmapBytes + 1 + 2 * values.length;
  types.forEach((type, i) => {
    if (type === TYPE_LONGLONG || type === TYPE_DOUBLE) length += 8;
    else if (type === TYPE_TINY) length += 1;
    else if (type === TYPE_VAR_STRING) length += lengthEncodedSize(textBytes[i]!) + textBytes[i]!;
  });
  const packet = packetOf(length, 0); // each command starts at sequence 0
  let at = packet.writeUInt8(COM_STMT_EXECUTE, HEADER_BYTES);
  at = packet.writeUInt32LE(statement.id, at);
  at = packet.writeUInt8(0, at); // no cursor
  at = packet.writeUInt32LE(1, at); // iteration count
  if (values.length === 0) return packet;
  const bitmapAt = at;
  packet.fill(0, bitmapAt, bitmapAt + nullBitmapBytes);
  at += nullBitmapBytes;
  at = packet.writeUInt8(1, at); // types follow
  types.forEach((type, i) => {
    if (type === TYPE_NULL) packet[bitmapAt + (i >> 3)]! |= 1 << (i & 7);
    at = packet.writeUInt8(type, at);
    at = packet.writeUInt8(0, at);
  });
  types.forEach((type, i) => {
    const value = values[i];
    if (type === TYPE_LONGLONG) at = packet.writeBigInt64LE(BigInt(value as number), at);
    else if (type === TYPE_DOUBLE) at = packet.writeDoubleLE(value as number, at);
    else if (type === TYPE_TINY) at = packet.writeUInt8(value ? 1 : 0, at);
    else if (type === TYPE_VAR_STRING) {
      at = writeLengthEncoded(textBytes[i]!, packet, at);
      at += packet.write(texts[i]!, at);
    }
  });
  return packet;
}

/** A command with its argument (SQL text, or nothing). */
function commandPacket(command: number, argument = ''): Buffer {
  const packet = packetOf(1 + Buffer.byteLength(argument), 0);
  packet[HEADER_BYTES] = command;
  packet.write(argument, HEADER_BYTES + 1);
  return packet;
}

export class MariaDbPreparedConnection extends LeanConnection<Pending> {
  /** The server's id of this session (for KILL, and the lock observer). */
  threadId = 0;
  /** Each SQL text's statement once prepared; until then, the preparation under way. */
  private readonly statements = new Map<string, Statement | Promise<Statement>>();
  private sequence = 0;

  private constructor(socket: Socket) {
    super(socket, (error) =>
      Object.assign(error ?? new Error('Connection lost: The server closed the connection.'), {
        fatal: true,
      }),
    );
  }

  /** Connect and log in with mysql_native_password. */
  static connect(
    info: ConnectionInfo,
    database = info.database,
    timeoutMs = 10_000,
  ): Promise<MariaDbPreparedConnection> {
    let connection: MariaDbPreparedConnection | undefined;
    const socket = connectFramed(info, PACKET_FORMAT, (data, start, end) =>
      connection?.receive(data, start, end),
    );
    const opened = new MariaDbPreparedConnection(socket);
    connection = opened;
    const timeout = () => Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT', fatal: true });
    return handshakeWithin(socket, timeoutMs, timeout, (done, fail) => {
      let greeted = false;
      opened.pending.push({
        onPacket: (payload) => {
          try {
            if (!greeted) {
              greeted = true;
              opened.answerGreeting(payload, info, database);
            } else if (payload[0] === OK) {
              done(opened);
              return true;
            } else if (payload[0] === ERR) throw serverError(payload);
            else if (payload[0] === EOF) opened.answerAuthSwitch(payload, info);
            else throw new Error(`unexpected packet 0x${payload[0]?.toString(16)} while logging in`);
          } catch (error) {
            fail(error as Error);
            return true;
          }
          return false;
        },
        reject: fail,
      });
    });
  }

  /** The server's greeting: answer it with the user, the password token and the database. */
  private answerGreeting(payload: Buffer, info: ConnectionInfo, database: string): void {
    if (payload[0] === ERR) throw serverError(payload);
    if (payload[0] !== 10) throw new Error(`unsupported protocol version ${payload[0]}`);
    let at = payload.indexOf(0, 1) + 1; // server version
    this.threadId = payload.readUInt32LE(at);
    const scramble1 = payload.subarray(at + 4, at + 12);
    at += 13; // thread id, scramble part 1, filler
    const capabilities = payload.readUInt16LE(at) | (payload.readUInt16LE(at + 5) << 16);
    if (!(capabilities & CLIENT_PROTOCOL_41) || !(capabilities & CLIENT_DEPRECATE_EOF))
      throw new Error('the server is too old for the lean MariaDB connection (needs MariaDB 10.2 or later)');
    const scrambleLength = payload[at + 7]!;
    at += 18; // capabilities, charset, status, capabilities (upper), scramble length, reserved
    const scramble2 = payload.subarray(at, at + Math.max(13, scrambleLength - 8) - 1);
    at += Math.max(13, scrambleLength - 8);
    const plugin = payload.toString('latin1', at, payload.indexOf(0, at));
    const scramble = Buffer.concat([scramble1, scramble2]);
    const token =
      plugin === 'mysql_native_password' || plugin === ''
        ? nativePasswordToken(info.password, scramble)
        : Buffer.alloc(0);
    const flags = WANTED_CAPABILITIES & (capabilities | CLIENT_LONG_PASSWORD);
    const user = Buffer.from(`${info.user}\0`, 'utf8');
    const db = Buffer.from(`${database}\0`, 'utf8');
    const pluginName = Buffer.from('mysql_native_password\0', 'latin1');
    const body = Buffer.alloc(
      4 + 4 + 1 + 23 + user.length + 1 + token.length + db.length + pluginName.length,
    );
    let w = body.writeUInt32LE(flags >>> 0, 0);
    w = body.writeUInt32LE(16 * 1024 * 1024, w); // max packet size
    w = body.writeUInt8(UTF8MB4_GENERAL_CI, w);
    w += 23; // reserved
    w += user.copy(body, w);
    w = body.writeUInt8(token.length, w);
    w += token.copy(body, w);
    w += db.copy(body, w);
    pluginName.copy(body, w);
    this.sendPacket(body, 1);
  }

  /** The server asks for another authentication method: only mysql_native_password is spoken here. */
  private answerAuthSwitch(payload: Buffer, info: ConnectionInfo): void {
    const end = payload.indexOf(0, 1);
    const plugin = payload.toString('latin1', 1, end);
    if (plugin !== 'mysql_native_password')
      throw new Error(
        `the server asks for authentication plugin ${plugin}; the lean MariaDB connection speaks mysql_native_password only`,
      );
    let scramble = payload.subarray(end + 1);
    if (scramble[scramble.length - 1] === 0) scramble = scramble.subarray(0, -1);
    this.sendPacket(nativePasswordToken(info.password, scramble), this.sequence + 1);
  }

  private sendPacket(body: Buffer, sequence: number): void {
    const packet = packetOf(body.length, sequence);
    body.copy(packet, HEADER_BYTES);
    this.socket.write(packet);
  }

  /** One whole packet: its payload goes to the command waiting for a response. */
  private receive(data: Buffer, start: number, end: number): void {
    this.sequence = data[start + 3]!;
    if (this.pending[0]?.onPacket(data.subarray(start + HEADER_BYTES, end))) this.pending.shift();
  }

  /** Send a command and collect its response packet by packet. */
  private command<T>(packet: Buffer, read: (payload: Buffer) => T | undefined): Promise<T> {
    if (this.broken) return this.refused();
    return new Promise((resolve, reject) => {
      this.pending.push({
        onPacket: (payload) => {
          let result: T | undefined;
          try {
            result = read(payload);
          } catch (error) {
            reject(error as Error);
            return true;
          }
          if (result === undefined) return false;
          resolve(result);
          return true;
        },
        reject,
      });
      this.send(packet);
    });
  }

  /** Prepare `sql` on the server; `execute` asks once per connection and SQL text. */
  private prepare(sql: string): Promise<Statement> {
    let prepared: Statement | undefined;
    let parametersLeft = 0;
    let columnsLeft = 0;
    const statement = this.command(commandPacket(COM_STMT_PREPARE, sql), (payload) => {
      if (!prepared) {
        if (payload[0] === ERR) throw serverError(payload);
        prepared = {
          id: payload.readUInt32LE(1),
          parameters: payload.readUInt16LE(7),
          columns: [],
          names: [],
        };
        parametersLeft = prepared.parameters;
        columnsLeft = payload.readUInt16LE(5);
      } else if (parametersLeft > 0) {
        parametersLeft--; // parameter definitions: nothing in them is needed
      } else {
        prepared.columns.push(columnDefinition(payload));
        columnsLeft--;
      }
      if (parametersLeft > 0 || columnsLeft > 0) return undefined;
      setColumns(prepared, prepared.columns);
      this.statements.set(sql, prepared); // from now on executed without waiting on a promise
      return prepared;
    });
    // A statement that failed to prepare is prepared again on its next use.
    statement.catch(() => this.statements.delete(sql));
    this.statements.set(sql, statement);
    return statement;
  }

  /** Run `sql` as a prepared statement with `values` bound to its `?` placeholders. */
  execute(sql: string, values: Parameter[] = []): Promise<ExecuteResult> {
    // Once per upsert: no extra promise and microtask when the statement is already prepared.
    const statement = this.statements.get(sql) ?? this.prepare(sql);
    return statement instanceof Promise
      ? statement.then((prepared) => this.run(prepared, values))
      : this.run(statement, values);
  }

  private run(statement: Statement, values: Parameter[]): Promise<ExecuteResult> {
    let packet: Buffer;
    try {
      packet = executePacket(statement, values);
    } catch (error) {
      return Promise.reject(error); // a parameter it cannot send: a rejection, as from the server
    }
    const result: ExecuteResult = { columns: statement.names, rows: [], affectedRows: 0, insertId: 0 };
    // Each result: an OK packet, or a column count, the column definitions, rows and a 0xFE packet.
    let firstResult = true;
    let columnsLeft = -1;
    let columns: Column[] = statement.columns;
    return this.command(packet, (payload) => {
      const first = payload[0]!;
      if (first === ERR) throw serverError(payload);
      if (columnsLeft === -1) {
        if (first === OK) return this.ended(payload, result) ? result : undefined;
        columnsLeft = lengthEncoded(payload, 0)[0];
        // The first result's columns are known after one execution; decode them only until then.
        const known = firstResult && columnsLeft === statement.columns.length;
        columns = known ? statement.columns : [];
        return undefined;
      }
      if (columnsLeft > 0) {
        if (columns === statement.columns) {
          columnsLeft--;
          return undefined;
        }
        columns.push(columnDefinition(payload));
        if (--columnsLeft > 0) return undefined;
        if (firstResult && statement.columns.length === 0) {
          // INSERT ... RETURNING is prepared without columns: remember the ones its first result had.
          setColumns(statement, columns);
          result.columns = statement.names;
        } else {
          result.columns = columns.map((c) => c.name);
        }
        return undefined;
      }
      if (first !== EOF) {
        result.rows.push(binaryRow(payload, columns));
        return undefined;
      }
      if (this.ended(payload, result)) return result;
      // Another result follows (a procedure's): its rows are added to these.
      firstResult = false;
      columnsLeft = -1;
      return undefined;
    });
  }

  /** An OK packet (or the 0xFE one that ends a result set): keep its counts; true if no more results follow. */
  private ended(payload: Buffer, result: ExecuteResult): boolean {
    const [affectedRows, next] = lengthEncoded(payload, 1);
    const [insertId, statusAt] = lengthEncoded(payload, next);
    if (payload[0] === OK) {
      result.affectedRows = affectedRows;
      result.insertId = insertId;
    }
    const status = statusAt + 2 <= payload.length ? payload.readUInt16LE(statusAt) : 0;
    return (status & SERVER_MORE_RESULTS_EXIST) === 0;
  }

  end(): Promise<void> {
    return this.close(commandPacket(COM_QUIT));
  }
}
