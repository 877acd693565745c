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
