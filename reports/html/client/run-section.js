/* One run's section: its figures, checks, fault windows, load and charts. */
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
            w.reachedNothing ? `${w.fault} (reached nothing: ${w.reachedNothing})` : w.fault,
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
      ['checker', 'verdict', 'violations', 'figures', 'note'],
      run.checks.map((c) => [
        c.checker,
        c.verdict,
        String(c.violations),
        Object.entries(c.metrics || {})
          .map(([name, value]) => `${name} ${value}`)
          .join(', '),
        c.reason || '',
      ]),
    ),
  );
  for (const check of run.checks.filter((c) => c.series)) {
    const chart = el('div', { class: 'chart check-series', 'data-checker': check.checker });
    section.append(
      el('h3', {}, `${check.checker} over the run`),
      el('p', { class: 'note' }, 'Each point at the operation it belongs to. Shaded: fault windows.'),
      chart,
    );
    requestAnimationFrame(() => checkSeriesChart(chart, run, check.series));
  }
  for (const check of run.checks.filter((c) => c.traces)) {
    section.append(
      el('h3', {}, `Traces (${check.checker})`),
      el(
        'p',
        { class: 'note' },
        'Each saga as the services published it, ms from its first event: wrong or stuck sagas first, then a few of each outcome.',
      ),
      table(
        ['saga', 'outcome', 'events'],
        check.traces.map((t) => [
          t.id,
          t.outcome,
          t.steps.map((s) => `+${ms(s.atMs)} ${s.service} ${s.event}`).join(' → '),
        ]),
        'traces',
      ),
    );
  }
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
