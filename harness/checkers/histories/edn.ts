/**
 * A reader for the part of EDN that Jepsen histories use: maps, vectors,
 * lists, sets, keywords, strings, numbers, nil and booleans, with commas as
 * whitespace and `;` comments. Keywords become strings without their colon
 * (`:invoke` is "invoke"), vectors, lists and sets become arrays, maps
 * become plain objects keyed by their keys as text. Tagged values
 * (`#inst "..."`, `#jepsen.history.Op{...}`) are read as the value they tag.
 */

export type Edn = null | boolean | number | string | Edn[] | { [key: string]: Edn };

export class EdnError extends Error {}

const DELIMITERS = new Set(['(', ')', '[', ']', '{', '}', '"', ';']);

export function readEdn(text: string): Edn {
  const reader = new Reader(text);
  const value = reader.value();
  reader.skipBlank();
  if (!reader.done())
    throw new EdnError(`unexpected ${JSON.stringify(text[reader.at])} at column ${reader.at + 1}`);
  return value;
}

/** Every top-level value of a text, in order: a whole history file read at once. */
export function readEdnAll(text: string): Edn[] {
  const reader = new Reader(text);
  const values: Edn[] = [];
  for (reader.skipBlank(); !reader.done(); reader.skipBlank()) values.push(reader.value());
  return values;
}

class Reader {
  at = 0;
  constructor(private readonly text: string) {}

  done(): boolean {
    return this.at >= this.text.length;
  }

  /** Whitespace, commas, `;` comments, and `#_ form` (a discarded form) are all blank. */
  skipBlank(): void {
    while (!this.done()) {
      const c = this.text[this.at]!;
      if (c === ';') {
        while (!this.done() && this.text[this.at] !== '\n') this.at++;
      } else if (c === ',' || /\s/.test(c)) this.at++;
      else if (c === '#' && this.text[this.at + 1] === '_') {
        this.at += 2;
        this.value();
      } else return;
    }
  }

  value(): Edn {
    this.skipBlank();
    if (this.done()) throw new EdnError('unexpected end of input');
    const c = this.text[this.at]!;
    if (c === '{') return this.map();
    if (c === '[') return this.sequence('[', ']');
    if (c === '(') return this.sequence('(', ')');
    if (c === '"') return this.string();
    if (c === '#') {
      const next = this.text[this.at + 1];
      if (next === '{') {
        this.at++;
        return this.sequence('{', '}');
      }
      // A tag: its name, then the value it tags.
      this.token();
      return this.value();
    }
    if (c === ')' || c === ']' || c === '}')
      throw new EdnError(`unexpected ${JSON.stringify(c)} at column ${this.at + 1}`);
    return this.atom(this.token());
  }

  private token(): string {
    const start = this.at;
    while (!this.done()) {
      const c = this.text[this.at]!;
      if (c === ',' || /\s/.test(c) || (DELIMITERS.has(c) && this.at > start)) break;
      this.at++;
    }
    return this.text.slice(start, this.at);
  }

  private atom(token: string): Edn {
    if (token === 'nil') return null;
    if (token === 'true') return true;
    if (token === 'false') return false;
    if (token.startsWith(':')) return token.slice(1);
    if (/^[+-]?\d+N?$/.test(token)) return Number(token.replace(/N$/, ''));
    if (/^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+)M?$/.test(token)) return Number(token.replace(/M$/, ''));
    if (/^\\./.test(token)) return token.slice(1); // a character
    if (token.length === 0)
      throw new EdnError(`unexpected ${JSON.stringify(this.text[this.at])} at column ${this.at + 1}`);
    return token; // a symbol
  }

  private string(): string {
    this.at++; // the opening quote
    let out = '';
    for (;;) {
      if (this.done()) throw new EdnError('unterminated string');
      const c = this.text[this.at++]!;
      if (c === '"') return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const escaped = this.text[this.at++];
      const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };
      if (escaped === 'u') {
        out += String.fromCharCode(Number.parseInt(this.text.slice(this.at, this.at + 4), 16));
        this.at += 4;
      } else out += map[escaped ?? ''] ?? escaped ?? '';
    }
  }

  private sequence(open: string, close: string): Edn[] {
    if (this.text[this.at] !== open) throw new EdnError(`expected ${open} at column ${this.at + 1}`);
    this.at++;
    const items: Edn[] = [];
    for (;;) {
      this.skipBlank();
      if (this.done()) throw new EdnError(`unterminated ${open}`);
      if (this.text[this.at] === close) {
        this.at++;
        return items;
      }
      items.push(this.value());
    }
  }

  private map(): { [key: string]: Edn } {
    const items = this.sequence('{', '}');
    if (items.length % 2 !== 0) throw new EdnError('a map with an odd number of forms');
    const map: { [key: string]: Edn } = {};
    for (let i = 0; i < items.length; i += 2) {
      const key = items[i];
      map[typeof key === 'string' ? key : JSON.stringify(key)] = items[i + 1]!;
    }
    return map;
  }
}
