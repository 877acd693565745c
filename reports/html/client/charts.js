/* The charts (uPlot): latency and throughput over time with fault bands, the violation timeline, load percentiles. */
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

/** A checker's series (points of [ms, value]) as lines over the run's time, one per series. */
const SERIES_COLORS = ['#1565c0', '#6a1b9a', '#00838f', '#ad1457'];
function checkSeriesChart(container, run, seriesList) {
  const columns = uPlot.join(seriesList.map((s) => [s.points.map((p) => p[0]), s.points.map((p) => p[1])]));
  const series = seriesList.map((s, i) => ({
    label: s.name,
    stroke: SERIES_COLORS[i % SERIES_COLORS.length],
    width: 1.5,
    spanGaps: true,
    points: { show: true, size: 3 },
  }));
  return timeChart(container, run, 220, seriesList[0].unit, series, columns);
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
