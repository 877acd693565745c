/*
 * The HTML report's script, inlined into the file: reads the report data
 * from its JSON element and draws every run's section with uPlot. Every
 * value from the run goes into the page through textContent or a chart,
 * never as HTML, so a hostile string stays text.
 */
(() => {
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const OUTCOMES = ['ok', 'fail', 'info'];
  const COLORS = { ok: '#2e7d32', fail: '#c62828', info: '#ef8f00' };
  const FAULT_FILL = 'rgba(90, 90, 220, 0.16)';
  const root = document.getElementById('runs');

  /** Create an element with text content (never HTML) and children. */
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes || {})) node.setAttribute(key, value);
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(typeof child === 'string' || typeof child === 'number' ? String(child) : child);
    }
    return node;
  }

  function table(headers, rows, className) {
    return el(
      'table',
      { class: className || '' },
      el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', {}, h)))),
      el('tbody', {}, ...rows.map((row) => el('tr', {}, ...row.map((cell) => el('td', {}, cell))))),
    );
  }

  const ms = (x) => (x === undefined || x === null ? '' : x >= 100 ? x.toFixed(0) : x.toFixed(2));
  const pct = (x) => `${(x * 100).toFixed(1)}%`;

  /** Shaded fault windows behind a chart's points (Jepsen's latency plot does the same). */
  function faultBands(faults, end) {
    return (u) => {
      const { ctx } = u;
      ctx.save();
      ctx.fillStyle = FAULT_FILL;
      for (const f of faults) {
        const x0 = u.valToPos(f.startedAt, 'x', true);
        const x1 = u.valToPos(f.stoppedAt === undefined ? end : f.stoppedAt, 'x', true);
        ctx.fillRect(x0, u.bbox.top, Math.max(2, x1 - x0), u.bbox.height);
      }
      ctx.restore();
    };
  }

  function chartWidth(container) {
    return Math.max(360, Math.min(1100, container.clientWidth || 900));
  }

  /**
   * A chart over the run's time axis with its fault windows shaded; a window
   * still open when the run ended is shaded up to its last completion.
   */
  function timeChart(container, run, height, yLabel, series, columns) {
    const t = run.points.t;
    const end = t.length > 0 ? t[t.length - 1] : 0;
    const options = {
      width: chartWidth(container),
      height,
      scales: { x: { time: false } },
      axes: [{ label: 'ms since the run started' }, { label: yLabel }],
      series: [{ label: 'time ms' }, ...series],
      hooks: { drawClear: [faultBands(run.result.faultWindows, end)] },
    };
    return new uPlot(options, columns, container);
  }

  function latencyChart(container, run) {
    const { t, latency, outcome } = run.points;
    const byOutcome = OUTCOMES.map((_, code) =>
      latency.map((value, i) => (outcome[i] === code ? value : null)),
    );
    const series = OUTCOMES.map((name) => ({
      label: name,
      stroke: COLORS[name],
      fill: COLORS[name],
      paths: () => null,
      points: { show: true, size: 4, stroke: COLORS[name], fill: COLORS[name] },
    }));
    return timeChart(container, run, 260, 'latency ms', series, [t, ...byOutcome]);
  }

  function throughputChart(container, run) {
    const { t, ok, fail, info } = run.throughput;
    const series = OUTCOMES.map((name) => ({ label: name, stroke: COLORS[name], width: 2 }));
    return timeChart(container, run, 200, 'operations/s', series, [t, ok, fail, info]);
  }

  /** Per-worker timeline of the operations that prove a violation: one lane per worker. */
  function timeline(operations) {
    const ns = 'http://www.w3.org/2000/svg';
    const workers = [...new Set(operations.map((o) => o.worker))].sort((a, b) => a - b);
    const start = Math.min(...operations.map((o) => o.invokedAt));
    const end = Math.max(...operations.map((o) => o.completedAt));
    const span = Math.max(end - start, 0.001);
    const width = 700;
    const lane = 22;
    const left = 80;
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('width', String(width + left + 10));
    svg.setAttribute('height', String(workers.length * lane + 24));
    svg.setAttribute('class', 'timeline');
    workers.forEach((worker, row) => {
      const label = document.createElementNS(ns, 'text');
      label.setAttribute('x', '4');
      label.setAttribute('y', String(row * lane + 15));
      label.textContent = `worker ${worker}`;
      svg.append(label);
    });
    for (const o of operations) {
      const rect = document.createElementNS(ns, 'rect');
      const x = left + ((o.invokedAt - start) / span) * width;
      rect.setAttribute('x', String(x));
      rect.setAttribute('y', String(workers.indexOf(o.worker) * lane + 3));
      rect.setAttribute('width', String(Math.max(3, ((o.completedAt - o.invokedAt) / span) * width)));
      rect.setAttribute('height', String(lane - 6));
      rect.setAttribute('fill', COLORS[o.outcome] || '#777');
      const title = document.createElementNS(ns, 'title');
      title.textContent = `#${o.id} ${o.op} ${o.outcome} ${ms(o.invokedAt)}-${ms(o.completedAt)} ms`;
      rect.append(title);
      svg.append(rect);
    }
    const axis = document.createElementNS(ns, 'text');
    axis.setAttribute('x', String(left));
    axis.setAttribute('y', String(workers.length * lane + 18));
    axis.textContent = `${ms(start)} ms to ${ms(end)} ms`;
    svg.append(axis);
    return svg;
  }

  /** Latency percentiles of a load run as a line over p50, p90, p99, p99.9. */
  function percentileChart(container, latency) {
    const labels = ['p50', 'p90', 'p99', 'p99.9'];
    const options = {
      width: Math.min(600, chartWidth(container)),
      height: 180,
      scales: { x: { time: false } },
      axes: [
        { values: (_u, splits) => splits.map((i) => labels[i] || ''), splits: () => [0, 1, 2, 3] },
        { label: 'ms' },
      ],
      series: [
        { label: 'percentile' },
        { label: 'latency ms', stroke: COLORS.ok, width: 2, points: { show: true, size: 6 } },
      ],
    };
    return new uPlot(
      options,
      [
        [0, 1, 2, 3],
        [latency.p50, latency.p90, latency.p99, latency.p99_9],
      ],
      container,
    );
  }

  function loadSection(load) {
    const model = load.model === 'open' ? `open model, ${load.ratePerSecond} req/s` : 'closed model';
    const rows = [
      [
        'engine',
        `${load.engine} (${model}, ${load.connections} connections${load.segments > 1 ? `, ${load.segments} instances` : ''})`,
      ],
      ['requests', `${load.requests} (${load.requestsPerSecond.toFixed(1)}/s)`],
      [
        'latency p50 / p90 / p99 / p99.9 ms',
        [load.latency.p50, load.latency.p90, load.latency.p99, load.latency.p99_9].map(ms).join(' / '),
      ],
      ['latency from', load.latencySource],
      [
        'non-2xx / errors / timeouts / checks failed',
        `${load.non2xx} / ${load.errors} / ${load.timeouts} / ${load.checksFailed}`,
      ],
    ];
    if (load.iterations !== undefined) rows.push(['k6 iterations', String(load.iterations)]);
    const chart = el('div', { class: 'chart load-percentiles' });
    const parts = [el('h3', {}, 'Load'), table(['', ''], rows, 'figures'), chart];
    requestAnimationFrame(() => percentileChart(chart, load.latency));
    if (load.perSegment && load.perSegment.length > 1)
      parts.push(
        table(
          ['segment', 'requests', 'iterations', 'p99 ms (this instance only)'],
          load.perSegment.map((s) => [s.segment, String(s.requests), String(s.iterations), ms(s.p99)]),
        ),
      );
    return el('div', { class: 'load' }, ...parts);
  }

  function runSection(run, index) {
    const r = run.result;
    const s = r.summary;
    const { status } = run; // from reports/terminal.ts statusOf, on the server
    const section = el(
      'section',
      { id: `run-${index}`, class: `run ${r.passed ? 'passed' : 'failed'}` },
      el(
        'h2',
        {},
        `${r.scenario} / ${r.variant} `,
        el('span', { class: `badge ${r.passed ? 'good' : 'bad'}` }, status),
      ),
      el(
        'p',
        { class: 'meta' },
        `target ${r.target}, ${r.broken ? 'broken variant (must be caught)' : 'correct variant (must hold)'}, verdict ${r.verdict}, seed ${r.seed}, ${ms(r.durationMs)} ms`,
      ),
    );
    if (r.error) section.append(el('p', { class: 'error' }, `run error: ${r.error}`));
    section.append(
      table(
        ['ok', 'fail', 'info', 'conflict rate', 'ok/s', 'p50', 'p90', 'p99', 'p99.9', 'max ms', 'violations'],
        [
          [
            s.counts.ok,
            s.counts.fail,
            s.counts.info,
            pct(s.conflictRate),
            s.throughput.toFixed(0),
            ms(s.latency.p50),
            ms(s.latency.p90),
            ms(s.latency.p99),
            ms(s.latency.p99_9),
            ms(s.latency.max),
            run.violationsTotal,
          ].map(String),
        ],
        'figures',
      ),
    );
    if (s.latency.correctedForCoordinatedOmission)
      section.append(
        el(
          'p',
          { class: 'note' },
          'Latency is measured from when each paced operation was due (coordinated omission corrected).',
        ),
      );
    section.append(
      el('h3', {}, 'Outcomes by operation'),
      table(
        ['operation', 'ok', 'fail', 'info'],
        Object.entries(s.byOperation).map(([op, c]) => [op, c.ok, c.fail, c.info].map(String)),
      ),
    );

    if (run.sampled.total > 0) {
      const latency = el('div', { class: 'chart latency', 'data-points': String(run.sampled.shown) });
      const throughput = el('div', { class: 'chart throughput' });
      section.append(el('h3', {}, 'Latency over time'));
      const note =
        run.sampled.everyNth > 1
          ? `Downsampled: showing ${run.sampled.shown} of ${run.sampled.total} operations (every ${run.sampled.everyNth}th).`
          : `All ${run.sampled.total} operations.`;
      section.append(
        el('p', { class: 'note' }, `${note} Shaded: fault windows.`),
        latency,
        el('h3', {}, 'Throughput over time'),
        throughput,
      );
      root.append(section);
      latencyChart(latency, run);
      throughputChart(throughput, run);
    } else {
      root.append(section);
    }

    if (r.faultWindows.length > 0)
      section.append(
        el('h3', {}, 'Fault windows'),
        table(
          ['fault', 'from ms', 'to ms', 'ok', 'fail', 'info', 'violations'],
          r.faultWindows.map((w) =>
            [
              w.fault,
              ms(w.startedAt),
              w.stoppedAt === undefined ? 'not healed' : ms(w.stoppedAt),
              w.counts.ok,
              w.counts.fail,
              w.counts.info,
              w.violations,
            ].map(String),
          ),
        ),
      );
    if (r.timingGrid)
      section.append(
        el('h3', {}, 'Timing grid'),
        table(
          ['rate ms', 'offset ms', 'expected', 'failures by worker', 'as expected'],
          r.timingGrid.map((p) => [
            String(p.rateMs),
            String(p.offsetMs),
            p.expect,
            p.failuresByWorker.join(' + '),
            p.met ? 'yes' : 'no',
          ]),
        ),
      );
    if (r.load) section.append(loadSection(r.load));
    if (run.thresholds.length > 0)
      section.append(
        el('h3', {}, 'Thresholds'),
        table(
          ['threshold', 'value', 'result'],
          run.thresholds.map((t) => [
            `${t.metric} ${t.expression}`,
            t.value === undefined ? 'not measured' : String(Math.round(t.value * 1000) / 1000),
            t.passed ? 'ok' : 'FAILED',
          ]),
          'thresholds',
        ),
      );
    section.append(
      el('h3', {}, 'Checks'),
      table(
        ['checker', 'verdict', 'violations', 'note'],
        run.checks.map((c) => [c.checker, c.verdict, String(c.violations), c.reason || '']),
      ),
    );
    if (run.violations.length > 0) {
      section.append(el('h3', {}, `Violations (${run.violationsTotal})`));
      for (const v of run.violations) {
        const item = el(
          'div',
          { class: 'violation' },
          el('p', {}, el('strong', {}, v.invariant), ` (${v.checker}): ${v.message}`),
        );
        if (v.operations.length > 0) {
          item.append(timeline(v.operations));
          item.append(
            table(
              ['#', 'worker', 'operation', 'outcome', 'invoked ms', 'completed ms', 'arguments', 'result'],
              v.operations.map((o) => [
                String(o.id),
                String(o.worker),
                o.op,
                o.outcome,
                ms(o.invokedAt),
                ms(o.completedAt),
                o.args,
                o.result,
              ]),
              'operations',
            ),
          );
        }
        section.append(item);
      }
    }
  }

  /** The contention sweep: conflict rate, throughput and p99 against workers, a line per rate. */
  function sweepSection(sweep) {
    const workers = [...new Set(sweep.points.map((p) => p.workers))].sort((a, b) => a - b);
    const rates = [...new Set(sweep.points.map((p) => p.rate))].sort((a, b) => a - b);
    const palette = ['#1565c0', '#c62828', '#2e7d32', '#ef8f00', '#6a1b9a', '#00838f'];
    const section = el(
      'section',
      { id: 'sweep', class: 'run' },
      el('h2', {}, `Contention sweep: ${sweep.scenario} / ${sweep.variant}`),
      el(
        'p',
        { class: 'meta' },
        `seed ${sweep.seed}, ${sweep.durationMs} ms a point; rate in operations per second per worker (0 = closed loop)`,
      ),
    );
    root.append(section);
    const metrics = [
      ['conflictRate', 'conflict rate'],
      ['throughput', 'ok operations/s'],
      ['p99', 'p99 latency ms'],
    ];
    for (const [key, label] of metrics) {
      const chart = el('div', { class: 'chart sweep' });
      section.append(el('h3', {}, label), chart);
      const series = rates.map((rate) =>
        workers.map((w) => {
          const point = sweep.points.find((p) => p.workers === w && p.rate === rate);
          return point ? point[key] : null;
        }),
      );
      new uPlot(
        {
          width: chartWidth(chart),
          height: 220,
          scales: { x: { time: false } },
          axes: [{ label: 'workers' }, { label }],
          series: [
            { label: 'workers' },
            ...rates.map((rate, i) => ({
              label: rate === 0 ? 'closed loop' : `${rate}/s per worker`,
              stroke: palette[i % palette.length],
              width: 2,
              points: { show: true, size: 6 },
            })),
          ],
        },
        [workers, ...series],
        chart,
      );
    }
    section.append(
      table(
        ['workers', 'rate', 'operations', 'conflict rate', 'ok/s', 'p99 ms', 'verdict'],
        sweep.points.map((p) => [
          String(p.workers),
          String(p.rate),
          String(p.operations),
          pct(p.conflictRate),
          p.throughput.toFixed(0),
          ms(p.p99),
          p.verdict,
        ]),
        'sweep-points',
      ),
    );
  }

  /** A property run; its shrunk counterexample as a trace with one column per client. */
  function propertySection(p, index) {
    const { status } = p;
    const section = el(
      'section',
      { id: `property-${index}`, class: 'run property' },
      el(
        'h2',
        {},
        `Property: ${p.target} / ${p.variant} `,
        el('span', { class: `badge ${p.passed ? 'good' : 'bad'}` }, status),
      ),
      el('p', { class: 'meta' }, `${p.held ? 'held' : 'failed'} after ${p.runs} runs, seed ${p.seed}`),
    );
    const c = p.counterexample;
    if (c) {
      section.append(
        el(
          'p',
          {},
          'Replay: ',
          el(
            'code',
            {},
            `npm run chaos -- property ${p.target} --variant ${p.variant} --replay ${p.seed}:${p.path}`,
          ),
        ),
      );
      const clients = [...new Set(c.trace.map((s) => s.client))].sort((a, b) => a - b);
      section.append(
        el('h3', {}, 'Shrunk counterexample, statement by statement'),
        table(
          ['#', ...clients.map((client) => `client ${client}`)],
          c.trace.map((s, i) => [
            String(i + 1),
            ...clients.map((client) =>
              client === s.client
                ? `op ${s.operation}: ${s.sql}${s.params.length ? ` ${JSON.stringify(s.params)}` : ''}${s.result === 'done' ? '' : ` [${s.result}${s.detail ? `: ${s.detail}` : ''}]`}`
                : '',
            ),
          ]),
          'operations trace',
        ),
        el('h3', {}, 'Outcomes'),
        table(
          ['client', 'operation', 'arguments', 'outcome', 'result'],
          c.operations.map((o) => [
            String(o.client),
            o.op,
            JSON.stringify(o.args),
            o.outcome,
            JSON.stringify(o.result === undefined ? '' : o.result),
          ]),
          'operations',
        ),
      );
      for (const v of c.violations)
        section.append(
          el('div', { class: 'violation' }, el('p', {}, el('strong', {}, v.invariant), `: ${v.message}`)),
        );
    }
    root.append(section);
  }

  if (data.sweep) sweepSection(data.sweep);
  (data.properties || []).forEach(propertySection);
  data.runs.forEach(runSection);
  document.body.setAttribute('data-rendered', 'true');
})();
