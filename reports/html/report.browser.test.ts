/**
 * The HTML report in a real browser (headless Debian Chromium driven by
 * playwright-core): real runs on Postgres, one of them storing and returning
 * hostile strings, rendered into a report that must draw its charts, show the
 * right summary, log no console errors and execute none of the strings.
 */
import { mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, expect, it } from 'vitest';
import { runEnvironment } from '../../harness/cli/environment.ts';
import { runScenario } from '../../harness/core/runner.ts';
import type { ScenarioDefinition } from '../../harness/core/scenario.ts';
import { defineTarget, ok } from '../../harness/core/target.ts';
import { chromiumBinary } from '../../harness/providers/binaries.ts';
import { adminQuery, connectPostgres, type PostgresClient } from '../../harness/providers/db.ts';
import { ServerPool } from '../../harness/providers/server-pool.ts';
import { chromiumComponent, describeWith, postgresComponent } from '../../harness/testing/components.ts';
import { runProperty } from '../../properties/property-run.ts';
import { postgresVersioning } from '../../targets/postgres-versioning/index.ts';
import { fakeSuite } from '../testing/fake-results.ts';
import { renderHtml } from './render.ts';
import { buildReportData, propertyViews } from './report-data.ts';

/** Strings that would run or break the page if they were ever treated as HTML or script. */
const HOSTILE = [
  '<script>window.__pwned = "script"</script>',
  '"><img src=x onerror="window.__pwned=\'img\'">',
  "'; window.__pwned = 'quote'; '",
  '</style><script>window.__pwned="style"</script>',
  '</script><script>window.__pwned="end"</script>',
];

/** Stores each hostile string in Postgres and returns it from the database; its checker quotes them back. */
const hostile = defineTarget<PostgresClient, string[]>({
  name: 'hostile-notes',
  description: 'stores hostile strings',
  database: 'postgres',
  variants: { correct: { description: 'stores them', broken: false } },
  setup: (ctx) => adminQuery(ctx.database, ['CREATE TABLE note (id SERIAL PRIMARY KEY, body TEXT NOT NULL)']),
  connect: (ctx) => connectPostgres(ctx.database),
  disconnect: (client) => client.end(),
  operations: {
    async write(client, args: { body: string }) {
      const row = (await client.query('INSERT INTO note (body) VALUES ($1) RETURNING body', [args.body]))
        .rows[0];
      return ok({ stored: row.body });
    },
  },
  plan: ({ index }) => ({ op: 'write', args: { body: HOSTILE[index % HOSTILE.length] } }),
  async finalState(ctx) {
    const client = await connectPostgres(ctx.database);
    try {
      return (await client.query('SELECT DISTINCT body FROM note ORDER BY body')).rows.map(
        (r) => r.body as string,
      );
    } finally {
      await client.end();
    }
  },
  checkers: [
    {
      name: 'quotes-the-database',
      description: 'reports every stored string back as a violation',
      check: ({ operations, finalState }) => ({
        checker: 'quotes-the-database',
        verdict: 'invalid',
        violations: finalState.map((body) => ({
          invariant: `stored ${body}`,
          message: `the database holds ${body}`,
          operations: operations
            .filter((o) => (o.args as { body: string }).body === body)
            .map((o) => o.id)
            .slice(0, 3),
        })),
      }),
    },
  ],
});

describeWith([await postgresComponent(), await chromiumComponent()], 'HTML report in Chromium', () => {
  const pool = new ServerPool({ preference: 'auto', urls: {} });
  afterAll(() => pool.stopAll());

  it('draws its charts, shows the right summary, logs no errors and runs none of the hostile strings', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'chaos-report-test-'));
    const settings = { seed: 2, outDir, durationMs: 600 };
    const hostileScenario: ScenarioDefinition = {
      name: 'hostile-notes',
      description: '',
      target: 'hostile-notes',
      workload: { workers: 2 },
    };
    const versioning: ScenarioDefinition = {
      name: 'stale-version-mutation',
      description: '',
      target: 'postgres-versioning',
      workload: { workers: 4, keys: 3 },
      faults: [{ kind: 'pause', startMs: 200, durationMs: 150 }],
    };
    const runs = [
      await runScenario(hostileScenario, hostile, 'correct', runEnvironment(pool), settings),
      await runScenario(versioning, postgresVersioning, 'correct', runEnvironment(pool), settings),
      await runScenario(versioning, postgresVersioning, 'blind-update', runEnvironment(pool), settings),
    ];
    // The replay line carries a hostile string too: every field of the results must be shown as text.
    const results = { ...fakeSuite(runs), seed: 2, replay: `npm run chaos -- --seed 2 ${HOSTILE[0]}` };
    expect(results.exitCode).toBe(1); // the hostile target's checker always reports violations
    const html = renderHtml(await buildReportData(results, `Report ${HOSTILE[3]}`));
    const file = join(outDir, 'report.html');
    (await import('node:fs')).writeFileSync(file, html);
    // No hostile markup survives as markup in the file itself (the quote-only string may sit in the JSON data).
    for (const text of HOSTILE.filter((t) => t.includes('<'))) expect(html).not.toContain(text);

    const browser = await chromium.launch({ executablePath: chromiumBinary()!, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('dialog', (dialog) => {
        problems.push(`dialog: ${dialog.message()}`);
        void dialog.dismiss();
      });
      // Offline: a report must need nothing from the network.
      await page.route('**/*', (route) =>
        route.request().url().startsWith('file:') ? route.continue() : route.abort(),
      );
      await page.goto(pathToFileURL(file).href);
      await page.waitForSelector('body[data-rendered="true"]', { timeout: 10_000 });

      expect(problems).toEqual([]);
      expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined();

      // The summary: one row per run, with the right result.
      const rows = await page.$$eval('table.summary tbody tr', (trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
      );
      expect(rows.map((r) => [r[0], r[1], r[2], r[8]])).toEqual([
        ['hostile-notes', 'correct', 'correct', 'FAIL'],
        ['stale-version-mutation', 'correct', 'correct', 'PASS'],
        ['stale-version-mutation', 'blind-update', 'broken', 'CAUGHT'],
      ]);
      expect(Number(rows[2]![4])).toBeGreaterThan(0); // the mutant's violations are counted

      // Every run with operations has its two charts, drawn: canvases with coloured pixels.
      const charts = await page.$$eval('.chart', (divs) =>
        divs.map((div) => {
          const canvas = div.querySelector('canvas');
          if (!canvas || canvas.width === 0) return 0;
          const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
          let painted = 0;
          for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) painted++;
          return painted;
        }),
      );
      expect(charts).toHaveLength(6);
      for (const painted of charts) expect(painted).toBeGreaterThan(500);

      // The hostile strings are shown, as text, where the database returned them.
      // biome-ignore lint/performance/useDomNodeTextContent: the rendered text, not the JSON in script elements
      const text = await page.evaluate(() => document.body.innerText);
      for (const body of HOSTILE) expect(text).toContain(body);
      expect(await page.title()).toBe(`Report ${HOSTILE[3]}`);
      // The pause fault is listed as a window of the versioning runs.
      expect(text).toMatch(/Fault windows[\s\S]*pause/);

      const screenshot = resolve('chaos-report', 'report-screenshot.png');
      mkdirSync(resolve('chaos-report'), { recursive: true });
      await page.screenshot({ path: screenshot, fullPage: false });
      expect(statSync(screenshot).size).toBeGreaterThan(10_000);
      console.log(`report screenshot: ${screenshot} (report ${readFileSync(file).length} bytes)`);
    } finally {
      await browser.close();
    }
  });

  it('plots a contention sweep and a load run when the report has them', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'chaos-report-sweep-'));
    const data = await buildReportData(
      {
        ...fakeSuite([]),
        seed: 3,
        replay: 'npm run chaos -- sweep',
        runs: [
          {
            ...(await runScenario(
              {
                name: 'stale-version-mutation',
                description: '',
                target: 'postgres-versioning',
                workload: { workers: 2 },
              },
              postgresVersioning,
              'correct',
              runEnvironment(pool),
              { seed: 3, outDir, durationMs: 300 },
            )),
            // The load figures of a load scenario (their engines are tested in load/); here only their drawing.
            load: {
              engine: 'autocannon',
              model: 'closed',
              connections: 2,
              requests: 100,
              requestsPerSecond: 50,
              latency: { p50: 3, p90: 7, p99: 20, p99_9: 31, avg: 4, max: 31 },
              latencySource: "autocannon's HDR histogram",
              non2xx: 0,
              errors: 0,
              timeouts: 0,
              checksFailed: 0,
              thresholds: [{ metric: 'latency', expression: 'p(99)<50', value: 20, passed: true }],
            },
            // A config threshold the run crossed: shown beside the load engine's.
            thresholds: [{ metric: 'conflict_rate', expression: 'rate<0.01', value: 0.25, passed: false }],
            // A checker's figures over time (the CQRS projection lag), drawn with the fault window shaded.
            checks: [
              {
                checker: 'projection-lag',
                verdict: 'valid',
                violations: [],
                traces: [
                  {
                    id: 'order-1',
                    outcome: 'CANCELLED',
                    steps: [
                      { atMs: 0, service: 'orders', event: 'OrderPlaced' },
                      { atMs: 4.2, service: 'inventory', event: 'StockReserved' },
                      { atMs: 9, service: 'payments', event: 'PaymentFailed' },
                    ],
                  },
                ],
                series: ['a', 'b'].map((replica, r) => ({
                  name: `lag, replica ${replica}`,
                  unit: 'ms',
                  points: Array.from({ length: 40 }, (_, i): [number, number] => [
                    i * 7 + r,
                    5 + ((i * 13) % 40) * (r + 1),
                  ]),
                })),
              },
            ],
            faultWindows: [
              {
                fault: 'pause',
                startedAt: 50,
                stoppedAt: 120,
                counts: { ok: 1, fail: 0, info: 0 },
                violations: 0,
              },
            ],
          },
        ],
      },
      'Sweep',
    );
    data.sweep = {
      scenario: 'stale-version-mutation',
      variant: 'correct',
      seed: 3,
      durationMs: 500,
      points: [1, 2, 4].flatMap((workers) =>
        [0, 100].map((rate) => ({
          workers,
          rate,
          operations: 100 * workers,
          conflictRate: rate === 0 ? 0.1 * workers : 0,
          throughput: rate === 0 ? 900 * workers : rate * workers,
          p99: 1 + workers,
          verdict: 'valid',
        })),
      ),
    };
    // A property run with its shrunk counterexample, drawn as a per-client trace.
    data.properties = propertyViews([
      await runProperty(postgresVersioning, 'blind-update', pool, { runs: 20, seed: 11 }),
    ]);
    // `run --seeds`: the detection matrix.
    data.suite.seeds = [1, 2, 3];
    data.suite.detection = [
      {
        scenario: 'stale-version-mutation',
        target: 'postgres-versioning',
        variant: 'blind-update',
        broken: true,
        seeds: [1, 2, 3],
        caught: [1, 3],
        missed: [2],
        falseAlarms: [],
        firstProofMs: { median: 12.5, p90: 140, max: 140 },
      },
    ];
    // `chaos mutate`: the score and each mutant.
    data.mutation = {
      target: 'postgres-versioning',
      variant: 'correct',
      seed: 1,
      statements: [],
      caught: 1,
      applied: 2,
      score: 0.5,
      mutants: [
        {
          operator: 'drop-where-conjunct',
          description: 'version = $2 always true',
          caught: true,
          cases: 1,
          violations: ['read-before-write'],
        },
        {
          operator: 'drop-constraint',
          description: 'employee without UNIQUE',
          caught: false,
          cases: 30,
          violations: [],
        },
      ],
    };
    const file = join(outDir, 'sweep.html');
    (await import('node:fs')).writeFileSync(file, renderHtml(data));
    const browser = await chromium.launch({ executablePath: chromiumBinary()!, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      await page.goto(pathToFileURL(file).href);
      await page.waitForSelector('body[data-rendered="true"]');
      await page.waitForSelector('.load-percentiles canvas');
      expect(problems).toEqual([]);
      const drawn = await page.$$eval(
        '.chart.sweep canvas, .load-percentiles canvas, .check-series canvas',
        (canvases) =>
          canvases.map((canvas) => {
            const pixels = (canvas as HTMLCanvasElement)
              .getContext('2d')!
              .getImageData(
                0,
                0,
                (canvas as HTMLCanvasElement).width,
                (canvas as HTMLCanvasElement).height,
              ).data;
            let painted = 0;
            for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) painted++;
            return painted;
          }),
      );
      expect(drawn).toHaveLength(5); // conflict rate, throughput, p99; the load percentiles; the lag
      // The lag chart has a line per replica, named in its legend.
      const legend = await page.$$eval('.check-series .u-legend .u-label', (labels) =>
        labels.map((l) => l.textContent),
      );
      expect(legend).toEqual(expect.arrayContaining(['lag, replica a', 'lag, replica b']));
      // A checker's traces: a row per saga, its events in order across the services.
      const traces = await page.$$eval('table.traces tbody tr', (trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
      );
      expect(traces).toEqual([
        [
          'order-1',
          'CANCELLED',
          '+0.00 orders OrderPlaced → +4.20 inventory StockReserved → +9.00 payments PaymentFailed',
        ],
      ]);
      for (const painted of drawn) expect(painted).toBeGreaterThan(300);
      const thresholds = await page.$$eval('table.thresholds tbody tr', (trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
      );
      expect(thresholds).toEqual([
        ['latency p(99)<50', '20', 'ok'],
        ['conflict_rate rate<0.01', '0.25', 'FAILED'],
      ]);
      const rows = await page.$$eval('#sweep table.sweep-points tbody tr', (trs) => trs.length);
      expect(rows).toBe(6);
      // The broken variant's property failed: the section says it was caught.
      expect(await page.textContent('#property-0 h2 .badge')).toBe('CAUGHT');
      // The counterexample: a column per client, a row per statement, each statement in its client's column.
      const trace = await page.$$eval('#property-0 table.trace tr', (trs) =>
        trs.map((tr) => [...tr.querySelectorAll('th, td')].map((cell) => cell.textContent ?? '')),
      );
      expect(trace[0]).toEqual(['#', 'client 0', 'client 1']);
      expect(trace.length - 1).toBeLessThanOrEqual(6);
      for (const row of trace.slice(1)) expect(row.filter((cell) => /^op \d+: /.test(cell))).toHaveLength(1);
      const detection = await page.$$eval('#detection table.detection tbody tr', (trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
      );
      expect(detection).toEqual([
        ['stale-version-mutation', 'blind-update', 'broken', 'caught 2/3', '2', '12.50 / 140 / 140'],
      ]);
      expect(await page.textContent('#detection h2')).toBe('Detection over 3 seeds');
      const mutants = await page.$$eval('#mutation table.mutants tbody tr', (trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
      );
      expect(mutants).toEqual([
        ['drop-where-conjunct', 'version = $2 always true', 'caught after 1 case(s)', 'read-before-write'],
        ['drop-constraint', 'employee without UNIQUE', 'SURVIVED 30 cases', ''],
      ]);
      expect(await page.textContent('#mutation h2 .badge')).toBe('1/2');
    } finally {
      await browser.close();
    }
  });
});
