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
    el(
      'p',
      { class: 'meta' },
      p.exhaustive ?? `${p.held ? 'held' : 'failed'} after ${p.runs} runs, seed ${p.seed}`,
    ),
  );
  const c = p.counterexample;
  if (c && p.path) {
    section.append(
      el(
        'p',
        {},
        'Replay: ',
        el(
          'code',
          {},
          `npm run chaos -- property ${p.target} --variant ${p.variant} --schedule ${p.strategy} --replay ${p.seed}:${p.path}`,
        ),
      ),
    );
  }
  if (c) {
    const clients = [...new Set(c.trace.map((s) => s.client))].sort((a, b) => a - b);
    section.append(
      el(
        'h3',
        {},
        p.exhaustive
          ? 'First failing interleaving, statement by statement'
          : 'Shrunk counterexample, statement by statement',
      ),
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
