/* Building the page: elements with text content only, tables, number formats. */
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
