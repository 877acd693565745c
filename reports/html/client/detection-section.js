/** `run --seeds`: per variant, the seeds that caught it (or raised a false alarm) and the time to first proof. */
function detectionSection(rows, seeds) {
  const span = (list) => (list.length ? list.join(', ') : '');
  const ms = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(2));
  root.append(
    el(
      'section',
      { id: 'detection', class: 'run' },
      el('h2', {}, `Detection over ${seeds.length} seeds`),
      table(
        [
          'scenario',
          'variant',
          'kind',
          'seeds',
          'missed / false alarm on',
          'first proof ms (median / p90 / max)',
        ],
        rows.map((r) => {
          const bad = r.broken ? r.missed : r.falseAlarms;
          const good = r.broken ? r.caught.length : r.seeds.length - r.falseAlarms.length;
          const proof = r.firstProofMs
            ? `${ms(r.firstProofMs.median)} / ${ms(r.firstProofMs.p90)} / ${ms(r.firstProofMs.max)}`
            : '';
          return [
            r.scenario,
            r.variant,
            r.broken ? 'broken' : 'correct',
            `${r.broken ? 'caught' : 'held'} ${good}/${r.seeds.length}`,
            span(bad),
            proof,
          ];
        }),
        'detection',
      ),
    ),
  );
}
