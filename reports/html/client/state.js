/*
 * The HTML report's script, inlined into the file as one function of
 * these files (render.ts joins them in its CLIENT_FILES order): reads the report data
 * from its JSON element and draws every run's section with uPlot. Every
 * value from the run goes into the page through textContent or a chart,
 * never as HTML, so a hostile string stays text.
 */
const data = JSON.parse(document.getElementById('report-data').textContent);
const OUTCOMES = ['ok', 'fail', 'info'];
const COLORS = { ok: '#2e7d32', fail: '#c62828', info: '#ef8f00' };
const FAULT_FILL = 'rgba(90, 90, 220, 0.16)';
const root = document.getElementById('runs');
