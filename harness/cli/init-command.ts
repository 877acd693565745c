/**
 * `chaos init`: a starting point in the user's own project, chaos.config.ts
 * and a starter target that uses a library checker, for an HTTP service the
 * harness starts (--http, the default) or a Postgres or MariaDB table. It
 * never overwrites a file: if one exists, nothing is written (exit 2).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ExitCode, UsageError } from '../core/errors.ts';
import type { InitOptions } from './options.ts';

type InitKind = NonNullable<InitOptions['initKind']>;

const template = (name: string) =>
  readFileSync(new URL(`./init-templates/${name}.txt`, import.meta.url), 'utf8');

/** Fill `__NAME__` placeholders; a placeholder left over is a bug in the templates, not the user's. */
function fill(text: string, values: Record<string, string>): string {
  const filled = text.replace(/__([A-Z_]+)__/g, (whole, key: string) => values[key] ?? whole);
  const left = /__[A-Z_]+__/.exec(filled);
  if (left) throw new Error(`init template: no value for ${left[0]}`);
  return filled;
}

const SQL = {
  postgres: {
    KIND_NAME: 'Postgres',
    CONNECT: 'connectPostgres',
    INSERT: "'INSERT INTO item VALUES ($1, 1)', [key + 1]",
    UPDATE: `const read = await db.query('SELECT version FROM item WHERE id = $1', [args.key + 1]);
      const readVersion = Number(read.rows[0].version);
      const updated = await db.query('UPDATE item SET version = version + 1 WHERE id = $1 AND version = $2', [
        args.key + 1,
        readVersion,
      ]);
      if (updated.rowCount === 0) return fail('version conflict');
      return ok({ readVersion, wroteVersion: readVersion + 1 });`,
    FINAL: `const result = await db.query('SELECT id - 1 AS key, version FROM item ORDER BY id');
      return result.rows.map((r) => ({ key: Number(r.key), version: Number(r.version) })) as Row[];`,
  },
  mariadb: {
    KIND_NAME: 'MariaDB',
    CONNECT: 'connectMariaDb',
    INSERT: "'INSERT INTO item VALUES (?, 1)', [key + 1]",
    UPDATE: `const [rows] = await db.query('SELECT version FROM item WHERE id = ?', [args.key + 1]);
      const readVersion = Number((rows as { version: number }[])[0]!.version);
      const [updated] = await db.query('UPDATE item SET version = version + 1 WHERE id = ? AND version = ?', [
        args.key + 1,
        readVersion,
      ]);
      if ((updated as { affectedRows: number }).affectedRows === 0) return fail('version conflict');
      return ok({ readVersion, wroteVersion: readVersion + 1 });`,
    FINAL: `const [rows] = await db.query('SELECT id - 1 AS key, version FROM item ORDER BY id');
      return (rows as Row[]).map((r) => ({ key: Number(r.key), version: Number(r.version) }));`,
  },
} as const;

const HTTP_FAULTS = `        { kind: 'crash', startMs: 600, durationMs: 300 },
        { kind: 'pause', startMs: 1400, durationMs: 300 },
        { kind: 'network', startMs: 2100, durationMs: 500, toxic: { type: 'latency', attributes: { latency: 50 } } },`;
const SQL_FAULTS = `        { kind: 'kill-connection', startMs: 1000 },
        { kind: 'network', startMs: 2000, durationMs: 500, toxic: { type: 'latency', attributes: { latency: 50 } } },`;

/** The files `init` writes for `kind`: name and content. */
export function starterFiles(kind: InitKind): { name: string; content: string }[] {
  const http = kind === 'http';
  const targetFile = http ? 'my-service.target.ts' : 'my-table.target.ts';
  const target = http
    ? template('http.target.ts')
    : fill(template('sql.target.ts'), { KIND: kind, ...SQL[kind] });
  const config = fill(template('chaos.config.ts'), {
    EXPORT: http ? 'myService' : 'myTable',
    FILE: targetFile,
    NAME: http ? 'my-service' : 'my-table',
    FAULTED: http
      ? 'the service is crashed, paused and slowed'
      : 'sessions are killed and the network slowed',
    FAULTS: http ? HTTP_FAULTS : SQL_FAULTS,
  });
  return [
    { name: 'chaos.config.ts', content: config },
    { name: targetFile, content: target },
  ];
}

export function initCommand(options: InitOptions, folder = process.cwd()): number {
  const files = starterFiles(options.initKind ?? 'http');
  const existing = files.map((f) => join(folder, f.name)).filter((path) => existsSync(path));
  if (existing.length > 0)
    throw new UsageError(
      `init: ${existing.join(', ')} already exists; init never overwrites a file (nothing was written)`,
    );
  for (const file of files) writeFileSync(join(folder, file.name), file.content, { flag: 'wx' });
  console.log(`wrote ${files.map((f) => f.name).join(' and ')} in ${resolve(folder)}`);
  console.log(
    `next: edit ${files[1]!.name} to match your ${options.initKind === undefined || options.initKind === 'http' ? 'service' : 'table'}, then run \`npx chaos\``,
  );
  return ExitCode.ok;
}
