/**
 * ClickHouse's text forms of Array(String) and Map(String, String) (what `clickhouse-client`
 * writes into CSV and TSV cells): `['a','b']` and `{'k':'v','k2':'v2'}`. Strings are in
 * single quotes with backslash escapes (`\'`, `\\`, `\n`, `\t`, `\r`, `\b`, `\f`, `\0`,
 * `\a`, `\v`, `\xHH`); spaces are allowed between tokens. Parsed strictly by hand (never
 * evaluated): anything else returns undefined and the caller rejects the row, naming the field.
 * Numbers and NULL elements are accepted too (`[1,NULL]`), as ClickHouse writes Array(Nullable(…)).
 */

/** A ClickHouse Array text, or undefined when `text` is not one. */
export function parseClickHouseArray(text: string): unknown[] | undefined {
  const reader = new Reader(text);
  const value = reader.array();
  return value !== undefined && reader.atEnd() ? value : undefined;
}

/** A ClickHouse Map text, or undefined when `text` is not one. */
export function parseClickHouseMap(text: string): Record<string, unknown> | undefined {
  const reader = new Reader(text);
  const value = reader.map();
  return value !== undefined && reader.atEnd() ? value : undefined;
}

/** The cell ClickHouse writes for NULL in CSV and TSV (`format_csv_null_representation`, `format_tsv_null_representation`). */
export const CLICKHOUSE_NULL = "\\N";

const ESCAPES: Readonly<Record<string, string>> = {
  "'": "'",
  '"': '"',
  "\\": "\\",
  "/": "/",
  n: "\n",
  t: "\t",
  r: "\r",
  b: "\b",
  f: "\f",
  "0": "\0",
  a: "\x07",
  v: "\v",
};

class Reader {
  private at = 0;
  constructor(private readonly text: string) {}

  atEnd(): boolean {
    this.space();
    return this.at === this.text.length;
  }

  array(): unknown[] | undefined {
    this.space();
    if (this.text[this.at] !== "[") return undefined;
    this.at++;
    const out: unknown[] = [];
    this.space();
    if (this.text[this.at] === "]") {
      this.at++;
      return out;
    }
    for (;;) {
      const value = this.scalar();
      if (value === undefined) return undefined;
      out.push(value);
      this.space();
      const next = this.text[this.at++];
      if (next === "]") return out;
      if (next !== ",") return undefined;
    }
  }

  map(): Record<string, unknown> | undefined {
    this.space();
    if (this.text[this.at] !== "{") return undefined;
    this.at++;
    const out: Record<string, unknown> = {};
    this.space();
    if (this.text[this.at] === "}") {
      this.at++;
      return out;
    }
    for (;;) {
      this.space();
      const key = this.string();
      if (key === undefined) return undefined;
      this.space();
      if (this.text[this.at++] !== ":") return undefined;
      const value = this.scalar();
      if (value === undefined) return undefined;
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      this.space();
      const next = this.text[this.at++];
      if (next === "}") return out;
      if (next !== ",") return undefined;
    }
  }

  /** A quoted string, a number, or NULL (as null); undefined when none. */
  private scalar(): unknown {
    this.space();
    if (this.text[this.at] === "'") return this.string();
    if (this.text.startsWith("NULL", this.at)) {
      this.at += 4;
      return null;
    }
    const number = /^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/.exec(this.text.slice(this.at, this.at + 64));
    if (!number) return undefined;
    this.at += number[0].length;
    return number[0];
  }

  private string(): string | undefined {
    if (this.text[this.at] !== "'") return undefined;
    this.at++;
    let out = "";
    let from = this.at;
    while (this.at < this.text.length) {
      const c = this.text[this.at]!;
      if (c === "'") {
        out += this.text.slice(from, this.at);
        this.at++;
        return out;
      }
      if (c === "\\") {
        out += this.text.slice(from, this.at);
        const e = this.text[this.at + 1];
        if (e === undefined) return undefined;
        if (e === "x") {
          const hex = this.text.slice(this.at + 2, this.at + 4);
          if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined;
          out += String.fromCharCode(parseInt(hex, 16));
          this.at += 4;
        } else {
          const plain = ESCAPES[e];
          if (plain === undefined) return undefined;
          out += plain;
          this.at += 2;
        }
        from = this.at;
      } else this.at++;
    }
    return undefined; // unterminated
  }

  private space(): void {
    while (this.at < this.text.length && (this.text[this.at] === " " || this.text[this.at] === "\t" || this.text[this.at] === "\n"))
      this.at++;
  }
}
