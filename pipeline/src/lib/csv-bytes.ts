/**
 * A CSV file written as UTF-8 bytes in pieces of 1 MiB: no string per cell or line and no
 * buffer copied as it grows, so an extract of hundreds of thousands of rows is built in a
 * fraction of the time and memory of joined strings (a Blob takes the pieces as they are).
 * Text cells are encoded once by the caller (`encodeCells`: the values of a column in one
 * buffer, not an array each) and copied; numbers are written digit by digit, exactly as
 * `String(n)` writes an integer below 1e21.
 */
const encoder = new TextEncoder();
const COMMA = 0x2c;
const NEWLINE = 0x0a;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
/** 10^i for i = 0…16. */
const POWERS = Array.from({ length: 17 }, (_, i) => 10 ** i);

const PIECE = 1 << 20;

/** Text cells encoded once: cell i is `bytes[starts[i], starts[i + 1])`; `widest` is the longest in bytes. */
export interface EncodedCells {
  bytes: Uint8Array;
  starts: Int32Array;
  widest: number;
}

/** The most bytes `integer` or `nano` writes for a safe integer. */
export const MAX_NUMBER = 28;

export class CsvBytes {
  private readonly pieces: Uint8Array[] = [];
  private buffer = new Uint8Array(PIECE);
  private at = 0;

  /** The UTF-8 bytes of `text` (encode a repeated cell once with this, then `bytes`). */
  static encode(text: string): Uint8Array {
    return encoder.encode(text);
  }

  /**
   * The UTF-8 bytes of each of `texts`, in one buffer (cell i is bytes[starts[i], starts[i + 1])):
   * one encoding of them all when they are ASCII (one character, one byte), else one each.
   */
  static encodeCells(texts: string[]): EncodedCells {
    const starts = new Int32Array(texts.length + 1);
    const joined = texts.join("");
    let bytes = encoder.encode(joined);
    if (bytes.length === joined.length) for (let i = 0; i < texts.length; i++) starts[i + 1] = starts[i]! + texts[i]!.length;
    else {
      const each = texts.map((t) => encoder.encode(t));
      for (let i = 0; i < each.length; i++) starts[i + 1] = starts[i]! + each[i]!.length;
      bytes = new Uint8Array(starts[texts.length]!);
      each.forEach((b, i) => bytes.set(b, starts[i]!));
    }
    let widest = 0;
    for (let i = 0; i < texts.length; i++) widest = Math.max(widest, starts[i + 1]! - starts[i]!);
    return { bytes, starts, widest };
  }

  /** Makes room for `n` more bytes: the unchecked writes below need it (one call per row). */
  room(n: number): void {
    if (this.at + n <= this.buffer.length) return;
    if (this.at > 0) this.pieces.push(this.buffer.subarray(0, this.at));
    this.buffer = new Uint8Array(Math.max(PIECE, n));
    this.at = 0;
  }

  /** Copies `b` (after `room`). */
  bytes(b: Uint8Array): void {
    if (b.length < 16) for (let i = 0; i < b.length; i++) this.buffer[this.at++] = b[i]!;
    else {
      this.buffer.set(b, this.at);
      this.at += b.length;
    }
  }

  /** Copies cell `i` of `cells` (after `room`). */
  cell(cells: EncodedCells, i: number): void {
    const from = cells.starts[i]!;
    const to = cells.starts[i + 1]!;
    if (to - from < 32) {
      const source = cells.bytes;
      const buffer = this.buffer;
      let at = this.at;
      for (let k = from; k < to; k++) buffer[at++] = source[k]!;
      this.at = at;
    } else {
      this.buffer.set(cells.bytes.subarray(from, to), this.at);
      this.at += to - from;
    }
  }

  comma(): void {
    this.buffer[this.at++] = COMMA;
  }

  newline(): void {
    this.buffer[this.at++] = NEWLINE;
  }

  /** An integer as `String(n)` writes it (after `room(MAX_NUMBER)`; past 2^53 it falls back to `String`). */
  integer(n: number): void {
    if (!Number.isSafeInteger(n)) {
      const text = encoder.encode(String(n));
      this.room(text.length);
      this.bytes(text);
      return;
    }
    if (n < 0) {
      this.buffer[this.at++] = MINUS;
      n = -n;
    }
    this.digits(n, 1);
  }

  /**
   * Exact decimal USD from nano-USD held in a Float64 integer of magnitude below 2^53, as
   * `formatNano` writes it: the whole dollars, a dot and nine digits (after `room(MAX_NUMBER)`).
   */
  nano(v: number): void {
    if (v < 0) this.buffer[this.at++] = MINUS;
    const a = Math.abs(v);
    let whole = Math.floor(a / 1e9);
    let fraction = a - whole * 1e9;
    if (fraction < 0) {
      whole -= 1;
      fraction += 1e9;
    } else if (fraction >= 1e9) {
      whole += 1;
      fraction -= 1e9;
    }
    this.digits(whole, 1);
    this.buffer[this.at++] = DOT;
    this.digits(fraction, 9);
  }

  /** A non-negative integer's digits, at least `width` of them (zero-padded). */
  private digits(n: number, width: number): void {
    let count = 1;
    while (count < 16 && n >= POWERS[count]!) count++;
    if (count < width) count = width;
    const buffer = this.buffer;
    let i = this.at + count - 1;
    // Below 2^31 the digits come from 32-bit integer division (most cells); above, from floats.
    while (n >= 2147483648) {
      const q = Math.floor(n / 10);
      buffer[i--] = ZERO + (n - q * 10);
      n = q;
    }
    let m = n | 0;
    while (i >= this.at) {
      const q = (m / 10) | 0;
      buffer[i--] = ZERO + (m - q * 10);
      m = q;
    }
    this.at += count;
  }

  /** The bytes written, in pieces (the last piece shares the buffer: write no more after this). */
  result(): Uint8Array[] {
    return this.at > 0 ? [...this.pieces, this.buffer.subarray(0, this.at)] : [...this.pieces];
  }
}
