/** `chaos mutate`: the mutation score, and each mutant with its verdict and the invariants that caught it. */
function mutationSection(report) {
  const verdict = (m) =>
    m.error ? 'not applied' : m.caught ? `caught after ${m.cases} case(s)` : `SURVIVED ${m.cases} cases`;
  root.append(
    el(
      'section',
      { id: 'mutation', class: 'run' },
      el(
        'h2',
        {},
        `Mutants of ${report.target} / ${report.variant} `,
        el(
          'span',
          { class: `badge ${report.caught === report.applied ? 'good' : 'bad'}` },
          `${report.caught}/${report.applied}`,
        ),
      ),
      el('p', { class: 'meta' }, `mutation score ${Math.round(report.score * 100)}%, seed ${report.seed}`),
      table(
        ['operator', 'mutant', 'verdict', 'caught by'],
        report.mutants.map((m) => [
          m.operator,
          m.description,
          verdict(m),
          m.violations.join(', ') || m.error || '',
        ]),
        'mutants',
      ),
    ),
  );
}
