/**
 * The self-contained HTML report: one file with uPlot, its styles, the
 * report's script and data inlined, so it opens without a network. The
 * summary table is rendered here (escaped); the per-run sections by the
 * inlined script. A Content-Security-Policy allows only those two inline
 * scripts (by hash), so even a string that slipped through could not run.
 *
 * uPlot because it is small (about 50 KB), draws tens of thousands of points
 * on a canvas quickly, and needs nothing but itself once inlined.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ReportData } from './report-data.ts';

const require = createRequire(import.meta.url);
const read = (path: string | URL) => readFileSync(path, 'utf8');
const UPLOT_JS = read(require.resolve('uplot/dist/uPlot.iife.min.js'));
const UPLOT_CSS = read(require.resolve('uplot/dist/uPlot.min.css'));
/** The report's script: these files of client/, in this order (shared state first, the start last), as one function. */
const CLIENT_FILES = [
  'state.js',
  'dom.js',
  'charts.js',
  'run-section.js',
  'sweep-section.js',
  'property-section.js',
  'detection-section.js',
  'mutation-section.js',
  'start.js',
];
const CLIENT_JS = `(() => {\n${CLIENT_FILES.map((file) => read(new URL(`./client/${file}`, import.meta.url))).join('\n')}})();\n`;

export function escapeHtml(text: unknown): string {
  return String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** JSON that cannot end its <script> element or open another tag, whatever the strings in it. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1160px; color: #1d1d1f; padding: 0 16px; }
h1 { margin-bottom: 4px; } h2 { margin-top: 40px; border-top: 1px solid #ddd; padding-top: 16px; }
table { border-collapse: collapse; margin: 8px 0 16px; } th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f4f4f6; } td { font-variant-numeric: tabular-nums; }
table.operations td { max-width: 320px; overflow-wrap: anywhere; font-family: ui-monospace, monospace; font-size: 12px; }
.badge { font-size: 12px; padding: 2px 8px; border-radius: 10px; color: #fff; vertical-align: middle; }
.good { background: #2e7d32; } .bad { background: #c62828; }
.meta, .note { color: #555; } .error { color: #c62828; }
.violation { border-left: 3px solid #c62828; padding-left: 12px; margin: 12px 0; }
.timeline text { font-size: 11px; fill: #444; }
.summary td.status { font-weight: 600; }
`;

function summaryTable(data: ReportData): string {
  const rows = data.runs.map((run, index) => {
    const r = run.result;
    const { status } = run;
    const cells = [
      `<a href="#run-${index}">${escapeHtml(r.scenario)}</a>`,
      escapeHtml(r.variant),
      r.broken ? 'broken' : 'correct',
      escapeHtml(r.verdict),
      String(run.violationsTotal),
      String(r.summary.counts.ok),
      String(r.summary.counts.fail),
      String(r.summary.counts.info),
      `<span class="badge ${r.passed ? 'good' : 'bad'}">${status}</span>`,
    ];
    return `<tr class="${r.passed ? 'passed' : 'failed'}">${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
  });
  return `<table class="summary"><thead><tr>${['scenario', 'variant', 'kind', 'verdict', 'violations', 'ok', 'fail', 'info', 'result'].map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** `chaos check`: each history file's verdict, and for one that does not hold, why (escaped, as it came). */
function historyChecksSection(data: ReportData): string {
  const checks = data.suite.historyChecks ?? [];
  if (checks.length === 0) return '';
  const rows = checks.map((c) => {
    const cells = [
      escapeHtml(c.file),
      escapeHtml(c.judgedBy),
      `<span class="badge ${c.verdict === 'valid' ? 'good' : 'bad'}">${escapeHtml(c.verdict)}</span>`,
      c.size === undefined ? '' : String(c.size),
      escapeHtml((c.weakestViolated ?? []).join(', ')),
    ];
    return `<tr>${cells.map((cell) => `<td>${cell}</td>`).join('')}</tr>`;
  });
  const details = checks
    .filter((c) => c.verdict !== 'valid' || (c.anomalies ?? []).length > 0)
    .map((c) => {
      const anomalies = (c.anomalies ?? []).map(
        (a) =>
          `<div class="violation"><p><strong>${escapeHtml(a.name)}</strong>: ${escapeHtml(a.explanation)}</p></div>`,
      );
      const why = c.explanation ? `<pre>${escapeHtml(c.explanation)}</pre>` : '';
      return `<section class="history-check"><h3>${escapeHtml(c.file)}: ${escapeHtml(c.verdict)}</h3>${why}${anomalies.join('')}</section>`;
    });
  return `<h2>History checks</h2><table class="history-checks"><thead><tr>${['file', 'judged by', 'verdict', 'operations', 'weakest model violated'].map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>${details.join('')}`;
}

export function renderHtml(data: ReportData): string {
  const correct = data.runs.filter((r) => !r.result.broken);
  const broken = data.runs.filter((r) => r.result.broken);
  const held = correct.filter((r) => r.result.passed).length;
  const caught = broken.filter((r) => r.result.passed).length;
  const suite = data.suite;
  const headline = `${held}/${correct.length} correct variants held, ${caught}/${broken.length} broken variants caught`;
  const csp = `default-src 'none'; script-src ${sha256(UPLOT_JS)} ${sha256(CLIENT_JS)}; style-src 'unsafe-inline'; img-src data:`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(data.title)}</title>
<style>${UPLOT_CSS}</style>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(data.title)}</h1>
<p class="meta">seed ${escapeHtml(suite.seed)} &middot; started ${escapeHtml(suite.startedAt)} &middot; exit code ${escapeHtml(suite.exitCode ?? 'unknown')}${suite.interrupted ? ' &middot; interrupted' : ''}</p>
${data.runs.length === 0 ? '' : `<p id="headline"><span class="badge ${suite.passed ? 'good' : 'bad'}">${suite.passed ? 'PASSED' : 'FAILED'}</span> ${headline}</p>`}
${suite.error ? `<p class="error">${escapeHtml(suite.error)}</p>` : ''}
<p class="meta">replay: <code>${escapeHtml(suite.replay)}</code></p>
${data.runs.length === 0 ? '' : summaryTable(data)}
${historyChecksSection(data)}
<div id="runs"></div>
<script type="application/json" id="report-data">${jsonForScript(data)}</script>
<script>${UPLOT_JS}</script>
<script>${CLIENT_JS}</script>
</body>
</html>
`;
}

export function writeHtmlReport(path: string, data: ReportData): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, renderHtml(data));
  return path;
}

export const reportPath = (outDir: string) => join(outDir, 'report.html');
