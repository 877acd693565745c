import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/main.ts';
import { HistoryWriter } from '../../core/history.ts';
import { readEdn, readEdnAll } from './edn.ts';
import { HistoryFileError, readHistoryFile } from './history-file.ts';

describe('EDN', () => {
  it('reads what Jepsen histories hold', () => {
    expect(readEdn('{:type :invoke, :f :cas, :value [1 2], :process 3, :time 12}')).toEqual({
      type: 'invoke',
      f: 'cas',
      value: [1, 2],
      process: 3,
      time: 12,
    });
    expect(readEdn('[[:append 5 3] [:r 5 [1 2 3]] [:r 6 nil]]')).toEqual([
      ['append', 5, 3],
      ['r', 5, [1, 2, 3]],
      ['r', 6, null],
    ]);
    expect(readEdn('#{1 2} ')).toEqual([1, 2]);
    expect(readEdn('{:error "a \\"quoted\\"\\nline", :ok? true, :n -4.5, :big 12N}')).toEqual({
      error: 'a "quoted"\nline',
      'ok?': true,
      n: -4.5,
      big: 12,
    });
    expect(readEdn('#inst "2026-12-05T00:00:00Z"')).toBe('2026-12-05T00:00:00Z');
    // A discarded form is blank, wherever it stands.
    expect(readEdn('[1 #_2]')).toEqual([1]);
    expect(readEdn('{:a 1 #_:b}')).toEqual({ a: 1 });
    expect(readEdn('#_ {:skipped 1} [#_ 0 3]')).toEqual([3]);
    expect(readEdnAll('; a comment\n{:a 1}\n{:a 2} ; trailing\n')).toEqual([{ a: 1 }, { a: 2 }]);
    expect(() => readEdn('{:a 1')).toThrow(/unterminated \{/);
    expect(() => readEdn('{:a}')).toThrow(/odd number/);
  });
});

/** `chaos check` with its report folder in a fresh temporary directory. */
const check = (args: string[]) =>
  main(['check', ...args, '--out', mkdtempSync(join(tmpdir(), 'check-out-'))]);

/** Console lines, without the ones that say where results.json and the report went. */
const collect = (into: string[]) => (text: string) => {
  if (!/^(results|report|junit|summary): /.test(text)) into.push(text);
};

function file(name: string, text: string | Buffer): string {
  const path = join(mkdtempSync(join(tmpdir(), 'history-file-')), name);
  writeFileSync(path, text);
  return path;
}

/** A register written 1 and then read, by processes 0 and 1, with `read` as the value seen. */
const ednHistory = (read: number) =>
  [
    '{:type :invoke, :f :write, :value 1, :process 0}',
    '{:type :ok, :f :write, :value 1, :process 0}',
    '{:type :invoke, :f :nemesis-thing, :value nil, :process :nemesis}',
    '{:type :invoke, :f :read, :value nil, :process 1}',
    `{:type :ok, :f :read, :value ${read}, :process 1}`,
    '{:type :invoke, :f :cas, :value [1 2], :process 0}',
    '{:type :fail, :f :cas, :value [1 2], :process 0}',
    '{:type :invoke, :f :write, :value 7, :process 2}',
  ].join('\n');

describe('history files', () => {
  it('pairs a Jepsen EDN history by process: fail stays, a never-completed invoke is unknown, the nemesis is left out', () => {
    const operations = readHistoryFile(file('h.edn', ednHistory(1)));
    expect(operations.map((o) => [o.process, o.f, o.type, o.value, o.result])).toEqual([
      [0, 'write', 'ok', 1, 1],
      [1, 'read', 'ok', null, 1],
      [0, 'cas', 'fail', [1, 2], undefined],
      [2, 'write', 'info', 7, undefined],
    ]);
    expect(operations[3]!.return).toBe(Number.POSITIVE_INFINITY);
  });

  it("reads the harness's NDJSON, gzipped or not", () => {
    const dir = mkdtempSync(join(tmpdir(), 'history-file-'));
    const writer = new HistoryWriter(join(dir, 'h.ndjson'));
    const id = writer.invoke(0, 'write', 5);
    writer.complete(id, 0, 'write', { outcome: 'ok' });
    const read = writer.invoke(1, 'read', null);
    writer.complete(read, 1, 'read', { outcome: 'ok', value: 5 });
    writer.close();
    const plain = readHistoryFile(writer.path);
    expect(plain.map((o) => [o.process, o.f, o.type, o.value, o.result])).toEqual([
      [0, 'write', 'ok', 5, undefined],
      [1, 'read', 'ok', null, 5],
    ]);
    expect(readHistoryFile(file('h.ndjson.gz', gzipSync(readFileSync(writer.path))))).toEqual(plain);
  });

  it('names the file and line of what it cannot read', () => {
    const bad = file(
      'bad.edn',
      '{:type :invoke, :f :read, :process 0}\n{:type :ok, :f :read, :value [1 2, :process 0}\n',
    );
    expect(() => readHistoryFile(bad)).toThrow(HistoryFileError);
    expect(() => readHistoryFile(bad)).toThrow(`${bad}:2: not EDN (unexpected "}" at column 46)`);
    const orphan = file('orphan.edn', '{:type :ok, :f :read, :value 1, :process 4}\n');
    expect(() => readHistoryFile(orphan)).toThrow(
      /orphan\.edn:1: a completion for process 4, which has no operation open/,
    );
    const json = file('bad.ndjson', '{"type":"invoke","id":0,"worker":0,"op":"read","t":1}\n{"type":"ok",\n');
    expect(() => readHistoryFile(json)).toThrow(/bad\.ndjson:2: not JSON/);
    expect(() => readHistoryFile(join(tmpdir(), 'no-such-history.edn'))).toThrow(/cannot read it: ENOENT/);
  });
});

describe('chaos check', () => {
  it('a verdict line per file: exit 0 when all are valid, 1 when one is not, 2 when one cannot be read', async () => {
    const good = file('good.edn', ednHistory(1));
    const stale = file('stale.edn', ednHistory(0));
    const broken = file('broken.edn', '{:type :invoke');
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation(collect(lines));
    try {
      expect(await check([good, '--model', 'cas-register'])).toBe(0);
      expect(await check([good, stale, '--model', 'cas-register'])).toBe(1);
      expect(await check([good, broken, stale, '--model', 'cas-register'])).toBe(2);
    } finally {
      spy.mockRestore();
    }
    expect(lines[0]).toMatch(/good\.edn: valid \(3 operations, 1 partition\(s\), \d+ ms\)/);
    expect(lines[2]).toMatch(/stale\.edn: invalid \(3 operations/);
    expect(lines[2]).toContain('op 3 (client 1) read -> 0 fits nowhere: in state 1 it cannot happen');
    expect(lines[4]).toMatch(/broken\.edn:1: not EDN \(unterminated \{\)/);
  });

  it("--workload list-append: Elle's anomalies, judged against --consistency", async () => {
    const writeSkew = file(
      'skew.edn',
      [
        '{:type :invoke, :f :txn, :value [[:r :x nil] [:r :y nil] [:append :x 1]], :process 0}',
        '{:type :invoke, :f :txn, :value [[:r :x nil] [:r :y nil] [:append :y 1]], :process 1}',
        '{:type :ok, :f :txn, :value [[:r :x []] [:r :y []] [:append :x 1]], :process 0}',
        '{:type :ok, :f :txn, :value [[:r :x []] [:r :y []] [:append :y 1]], :process 1}',
        '{:type :invoke, :f :txn, :value [[:r :x nil] [:r :y nil]], :process 2}',
        '{:type :ok, :f :txn, :value [[:r :x [1]] [:r :y [1]]], :process 2}',
      ].join('\n'),
    );
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation(collect(lines));
    try {
      expect(await check([writeSkew, '--workload', 'list-append'])).toBe(1);
      expect(
        await check([writeSkew, '--workload', 'list-append', '--consistency', 'snapshot-isolation']),
      ).toBe(0);
      expect(await check([writeSkew, '--model', 'register', '--workload', 'list-append'])).toBe(2);
      expect(await check([writeSkew, '--workload', 'list-append', '--budget', '5s'])).toBe(2);
    } finally {
      spy.mockRestore();
    }
    expect(lines[0]).toMatch(
      /skew\.edn: invalid under serializable \(3 transactions, \d+ ms\); violates repeatable-read/,
    );
    expect(lines[0]).toContain(
      'G2-item: T1 < T0 because T1\'s read of key "x" did not see T0\'s append of 1; T0 < T1 because T0\'s read of key "y" did not see T1\'s append of 1: a cycle',
    );
    expect(lines[1]).toMatch(/valid under snapshot-isolation/);
  });

  it("--workload rw-register: Elle's register transactions, from an EDN history", async () => {
    const readSkew = file(
      'read-skew.edn',
      [
        '{:type :invoke, :f :txn, :value [[:w :x 1] [:w :y 1]], :process 0}',
        '{:type :ok, :f :txn, :value [[:w :x 1] [:w :y 1]], :process 0}',
        '{:type :invoke, :f :txn, :value [[:r :x nil] [:r :y nil] [:w :x 2] [:w :y 2]], :process 1}',
        '{:type :invoke, :f :txn, :value [[:r :x nil] [:r :y nil]], :process 2}',
        '{:type :ok, :f :txn, :value [[:r :x 1] [:r :y 1] [:w :x 2] [:w :y 2]], :process 1}',
        '{:type :ok, :f :txn, :value [[:r :x 1] [:r :y 2]], :process 2}',
      ].join('\n'),
    );
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation(collect(lines));
    try {
      expect(await check([readSkew, '--workload', 'rw-register'])).toBe(1);
      expect(await check([readSkew, '--workload', 'rw-register', '--consistency', 'read-committed'])).toBe(0);
      // A register history is no list-append history: the operation that does not fit is named.
      expect(await check([readSkew, '--workload', 'list-append'])).toBe(2);
    } finally {
      spy.mockRestore();
    }
    expect(lines[0]).toMatch(
      /read-skew\.edn: invalid under serializable \(3 transactions, \d+ ms\); violates repeatable-read and snapshot-isolation/,
    );
    expect(lines[0]).toContain('G-single:');
    expect(lines[0]).toContain(`read of key "x" (it read 1) did not see`);
    expect(lines[1]).toMatch(/valid under read-committed/);
    expect(lines[2]).toMatch(/micro-operation 1 must be \[:append k v\] or \[:r k list\], got \["w","x",1\]/);
  });

  it('results.json and the HTML report hold each verdict, the anomalies and their explanation', async () => {
    const readSkew = file(
      'skew <b>.edn',
      [
        '{:type :invoke, :f :txn, :value [[:w :x 1] [:w :y 1]], :process 0}',
        '{:type :ok, :f :txn, :value [[:w :x 1] [:w :y 1]], :process 0}',
        '{:type :invoke, :f :txn, :value [[:r :x nil] [:r :y nil] [:w :x 2] [:w :y 2]], :process 1}',
        '{:type :invoke, :f :txn, :value [[:r :x nil] [:r :y nil]], :process 2}',
        '{:type :ok, :f :txn, :value [[:r :x 1] [:r :y 1] [:w :x 2] [:w :y 2]], :process 1}',
        '{:type :ok, :f :txn, :value [[:r :x 1] [:r :y 2]], :process 2}',
      ].join('\n'),
    );
    const good = file('good.edn', ednHistory(1));
    const out = mkdtempSync(join(tmpdir(), 'check-report-'));
    const spy = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      expect(await main(['check', readSkew, '--workload', 'rw-register', '--out', out])).toBe(1);
      expect(await main(['check', good, '--model', 'cas-register', '--out', out, '--overwrite'])).toBe(0);
      const linearizable = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
      expect(linearizable.historyChecks).toEqual([
        expect.objectContaining({
          file: good,
          judgedBy: 'linearizable against cas-register',
          verdict: 'valid',
          size: 3,
        }),
      ]);
      expect(linearizable).toMatchObject({ passed: true, exitCode: 0 });
      expect(await main(['check', readSkew, '--workload', 'rw-register', '--out', out, '--overwrite'])).toBe(
        1,
      );
    } finally {
      spy.mockRestore();
    }
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(results).toMatchObject({ passed: false, exitCode: 1 });
    expect(results.replay).toMatch(
      /check ".*skew <b>\.edn" --workload rw-register --consistency serializable$/,
    );
    const [judged] = results.historyChecks;
    expect(judged).toMatchObject({
      judgedBy: 'rw-register under serializable',
      verdict: 'invalid',
      size: 3,
      weakestViolated: ['repeatable-read', 'snapshot-isolation'],
    });
    expect(judged.anomalies).toHaveLength(1);
    expect(judged.anomalies[0]).toMatchObject({ name: 'G-single', transactions: expect.any(Array) });
    expect(judged.anomalies[0].explanation).toContain("did not see T2's write of 2");
    // CI reads junit.xml and summary.md: the invalid file is a failed case there too.
    const junit = readFileSync(join(out, 'junit.xml'), 'utf8');
    expect(junit).toMatch(/<testsuites name="chaos" tests="1" failures="1">/);
    expect(junit).toContain('classname="rw-register under serializable"');
    expect(junit).toContain('<failure message="invalid">G-single: T3 &lt; T2 because');
    const summary = readFileSync(join(out, 'summary.md'), 'utf8');
    expect(summary).not.toContain('correct variants held');
    expect(summary).toMatch(
      /\| .*skew &lt;b&gt;\.edn \| rw-register under serializable \| \*\*invalid\*\* \| 3 \| repeatable-read, snapshot-isolation \|/,
    );
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<h2>History checks</h2>');
    expect(html).toContain('skew &lt;b&gt;.edn');
    expect(html).not.toContain('skew <b>');
    expect(html).toContain('<strong>G-single</strong>: T3 &lt; T2 because');
  });

  it('refuses an unknown model and a history that does not fit the model, naming the operation', async () => {
    const errors: string[] = [];
    const logs: string[] = [];
    const error = vi.spyOn(console, 'error').mockImplementation((text: string) => errors.push(text));
    const log = vi.spyOn(console, 'log').mockImplementation(collect(logs));
    try {
      expect(await check(['x.edn', '--model', 'bank'])).toBe(2);
      expect(await check([file('q.edn', ednHistory(1)), '--model', 'fifo-queue'])).toBe(2);
    } finally {
      error.mockRestore();
      log.mockRestore();
    }
    expect(errors[0]).toMatch(/--model: expected one of register, cas-register, .*got "bank"/);
    expect(logs[0]).toMatch(/q\.edn: operation 0 \(process 0, :f write\): :f must be enqueue or dequeue/);
  });
});
