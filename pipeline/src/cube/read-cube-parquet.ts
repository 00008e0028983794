/**
 * Decodes the cube's Parquet columns straight into typed columns (cube-columns.ts). The
 * cube is written by this project's own writer (pipeline/src/parquet), so its layout is
 * known: per row group and column, an optional PLAIN dictionary page, then DATA_PAGE_V2
 * pages with RLE definition levels and PLAIN or RLE_DICTIONARY values, UNCOMPRESSED or
 * SNAPPY. This reader decodes exactly that layout without a JavaScript value per cell;
 * a column in any other layout is read by hyparquet instead (slower, same values).
 *
 * Money is a DECIMAL with scale 9 on INT64 or on a big-endian FIXED_LEN_BYTE_ARRAY: its
 * unscaled integer is the exact nano-USD amount.
 */
import { parquetRead, snappyUncompress, type FileMetaData, type SchemaElement } from "hyparquet";
import { dimColumn, moneyColumn, SAFE_NANO, type Column } from "./cube-columns.ts";

/** How a cube column is read: a dimension (text), a count (integer) or money (DECIMAL scale 9). */
export type ColumnKind = "dim" | "count" | "money";

export function kindOf(element: SchemaElement): ColumnKind {
  if (element.converted_type === "DECIMAL" || element.logical_type?.type === "DECIMAL") {
    if ((element.scale ?? 0) !== 9) throw new Error(`cube column ${element.name}: expected DECIMAL scale 9, got ${element.scale}`);
    return "money";
  }
  if (element.type === "INT64" || element.type === "INT32" || element.type === "DOUBLE") return "count";
  return "dim";
}

/** Reads `names` of the cube in `buffer` (described by `metadata`) into typed columns. */
export async function readCubeColumns(buffer: ArrayBuffer, metadata: FileMetaData, names: string[]): Promise<Map<string, Column>> {
  const rows = Number(metadata.num_rows);
  const out = new Map<string, Column>();
  const fallback: string[] = [];
  for (const name of names) {
    const at = metadata.schema.findIndex((e, i) => i > 0 && e.name === name);
    if (at < 0) throw new Error(`the cube has no column ${name}`);
    const element = metadata.schema[at]!;
    try {
      out.set(name, readColumn(buffer, metadata, at - 1, element, kindOf(element), rows));
    } catch (error) {
      if (!(error instanceof UnexpectedLayout)) throw error;
      fallback.push(name);
    }
  }
  if (fallback.length) {
    const started = performance.now();
    for (const [name, column] of await readWithHyparquet(buffer, metadata, fallback)) out.set(name, column);
    performance.measure(`cube:read by hyparquet ${fallback.join(", ")}`, { start: started });
  }
  return out;
}

/** A column chunk in a layout this reader does not decode (hyparquet does). */
class UnexpectedLayout extends Error {}

const PAGE = { DATA_PAGE: 0, DICTIONARY_PAGE: 2, DATA_PAGE_V2: 3 } as const;
const ENCODING = { PLAIN: 0, PLAIN_DICTIONARY: 2, RLE_DICTIONARY: 8 } as const;
const decoder = new TextDecoder();
/**
 * The entries of a PLAIN BYTE_ARRAY page (4-byte length, bytes) as text: when every byte of
 * every entry is ASCII, the entries' bytes are gathered and decoded once (one byte, one
 * character, so each entry is a substring); otherwise each entry is decoded on its own.
 */
function pageTexts(page: Uint8Array, view: DataView, count: number): string[] {
  const starts = new Int32Array(count + 1);
  let at = 0;
  let ascii = true;
  let total = 0;
  for (let i = 0; i < count; i++) {
    if (at + 4 > page.length) throw new UnexpectedLayout();
    const end = at + 4 + view.getUint32(at, true);
    if (end > page.length) throw new UnexpectedLayout();
    for (let b = at + 4; ascii && b < end; b++) if (page[b]! >= 0x80) ascii = false;
    total += end - at - 4;
    at = end;
    starts[i + 1] = at;
  }
  const texts = new Array<string>(count);
  if (!ascii) {
    for (let i = 0; i < count; i++) texts[i] = decoder.decode(page.subarray(starts[i]! + 4, starts[i + 1]));
    return texts;
  }
  const bytes = new Uint8Array(total);
  const offsets = new Int32Array(count + 1);
  for (let i = 0, o = 0; i < count; i++) {
    bytes.set(page.subarray(starts[i]! + 4, starts[i + 1]), o);
    o += starts[i + 1]! - starts[i]! - 4;
    offsets[i + 1] = o;
  }
  const whole = decoder.decode(bytes);
  for (let i = 0; i < count; i++) texts[i] = whole.substring(offsets[i]!, offsets[i + 1]!);
  return texts;
}

function readColumn(
  buffer: ArrayBuffer,
  metadata: FileMetaData,
  position: number,
  element: SchemaElement,
  kind: ColumnKind,
  rows: number,
): Column {
  if (element.repetition_type === "REPEATED") throw new UnexpectedLayout();
  const optional = element.repetition_type !== "REQUIRED";
  // Dimensions: codes into one dictionary for the whole file (each row group has its own).
  const codes = kind === "dim" ? new Int32Array(rows) : null;
  const values: (string | null)[] = [null];
  const global = new Map<string, number>();
  // Measures: Float64 while exact, else bigints.
  const numbers = kind === "dim" ? null : new Float64Array(rows);
  let bigs = null as bigint[] | null;
  const setBig = (row: number, value: bigint) => {
    if (!bigs) bigs = Array.from(numbers!, (v) => BigInt(v));
    bigs[row] = value;
  };
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const chunk = group.columns[position]?.meta_data;
    if (!chunk || chunk.path_in_schema.join(".") !== element.name) throw new UnexpectedLayout();
    const codec = chunk.codec;
    if (codec !== "UNCOMPRESSED" && codec !== "SNAPPY") throw new UnexpectedLayout();
    const start = Number(chunk.dictionary_page_offset ?? chunk.data_page_offset);
    const end = start + Number(chunk.total_compressed_size);
    const bytes = new Uint8Array(buffer, start, end - start);
    let offset = 0;
    let dictionary: number[] | null = null;
    let row = rowStart;
    const groupEnd = rowStart + Number(group.num_rows);
    while (row < groupEnd) {
      if (offset >= bytes.length) throw new UnexpectedLayout();
      const reader = new Thrift(bytes, offset);
      const header = reader.pageHeader();
      offset = reader.offset;
      const body = bytes.subarray(offset, offset + header.compressed);
      offset += header.compressed;
      if (header.type === PAGE.DICTIONARY_PAGE) {
        if (kind !== "dim" || element.type !== "BYTE_ARRAY") throw new UnexpectedLayout();
        const page = decompress(body, header.uncompressed, codec);
        dictionary = new Array<number>(header.count);
        const texts = pageTexts(page, new DataView(page.buffer, page.byteOffset, page.byteLength), header.count);
        for (let i = 0; i < header.count; i++) {
          const text = texts[i]!;
          let code = global.get(text);
          if (code === undefined) global.set(text, (code = values.push(text) - 1));
          dictionary[i] = code;
        }
        continue;
      }
      if (header.type !== PAGE.DATA_PAGE_V2 || header.repetitionBytes !== 0) throw new UnexpectedLayout();
      const count = header.count;
      // Definition levels: 1 present, 0 absent (flat column); uncompressed, before the values.
      let present: Uint8Array | null = null;
      if (optional && header.nulls > 0) {
        present = new Uint8Array(count);
        readHybrid(body, 0, header.definitionBytes, 1, present, count);
      } else if (!optional && header.definitionBytes !== 0) throw new UnexpectedLayout();
      const compressed = body.subarray(header.definitionBytes);
      const page =
        header.compressedValues === false ? compressed : decompress(compressed, header.uncompressed - header.definitionBytes, codec);
      const stored = count - header.nulls;
      if (kind === "dim") {
        if (header.encoding !== ENCODING.RLE_DICTIONARY && header.encoding !== ENCODING.PLAIN_DICTIONARY) {
          if (header.encoding !== ENCODING.PLAIN || element.type !== "BYTE_ARRAY") throw new UnexpectedLayout();
          const view = new DataView(page.buffer, page.byteOffset, page.byteLength);
          let at = 0;
          for (let i = 0; i < count; i++, row++) {
            if (present && !present[i]) continue;
            const n = view.getUint32(at, true);
            const text = decoder.decode(page.subarray(at + 4, at + 4 + n));
            at += 4 + n;
            let code = global.get(text);
            if (code === undefined) global.set(text, (code = values.push(text) - 1));
            codes![row] = code;
          }
          continue;
        }
        if (!dictionary) throw new UnexpectedLayout();
        const indices = new Int32Array(stored);
        readHybrid(page, 1, page.length, page[0]!, indices, stored);
        let v = 0;
        for (let i = 0; i < count; i++, row++) if (!present || present[i]) codes![row] = dictionary[indices[v++]!]!;
        continue;
      }
      if (header.encoding !== ENCODING.PLAIN) throw new UnexpectedLayout();
      const view = new DataView(page.buffer, page.byteOffset, page.byteLength);
      const width =
        element.type === "INT64" ? 8 : element.type === "INT32" ? 4 : element.type === "DOUBLE" ? 8 : (element.type_length ?? 0);
      if (element.type === "FIXED_LEN_BYTE_ARRAY" ? kind !== "money" || width < 1 : element.type === "BYTE_ARRAY")
        throw new UnexpectedLayout();
      // One loop per physical type; absent cells stay 0 (a sum adds nothing for them).
      if (element.type === "DOUBLE" || element.type === "INT32") {
        const double = element.type === "DOUBLE";
        for (let i = 0, at = 0; i < count; i++, row++) {
          if (present && !present[i]) continue;
          numbers![row] = double ? view.getFloat64(at, true) : view.getInt32(at, true);
          at += width;
        }
      } else if (element.type === "INT64") {
        // Little-endian 32-bit words: the low word, then the high word (signed).
        const words =
          page.byteOffset % 4 === 0
            ? new Int32Array(page.buffer, page.byteOffset, stored * 2)
            : new Int32Array(page.slice(0, stored * 8).buffer);
        for (let i = 0, w = 0; i < count; i++, row++) {
          if (present && !present[i]) continue;
          const value = words[w + 1]! * 4294967296 + (words[w]! >>> 0);
          if (bigs) bigs[row] = view.getBigInt64(w * 4, true);
          else if (value <= SAFE_NANO && value >= -SAFE_NANO) numbers![row] = value;
          else setBig(row, view.getBigInt64(w * 4, true));
          w += 2;
        }
      } else {
        for (let i = 0, at = 0; i < count; i++, row++) {
          if (present && !present[i]) continue;
          const value = fixedNumber(view, at, width);
          if (bigs) bigs[row] = fixedBig(page, at, width);
          else if (value !== null) numbers![row] = value;
          else setBig(row, fixedBig(page, at, width));
          at += width;
        }
      }
    }
    if (row !== groupEnd) throw new UnexpectedLayout();
    rowStart = groupEnd;
  }
  if (kind === "dim") return { kind: "dim", codes: codes!, values };
  if (kind === "count") {
    if (bigs) throw new Error(`cube column ${element.name}: a count past 2^52`);
    return { kind: "count", values: numbers! };
  }
  return bigs ? { kind: "money", values: null, big: bigs } : { kind: "money", values: numbers, big: null };
}

/** A big-endian two's-complement integer of `width` bytes as a number when within ±SAFE_NANO, else null. */
function fixedNumber(view: DataView, at: number, width: number): number | null {
  if (width < 8) {
    let value = 0;
    for (let i = 0; i < width; i++) value = value * 256 + view.getUint8(at + i);
    if (width > 0 && view.getUint8(at) & 0x80) value -= 2 ** (8 * width);
    return value;
  }
  // The bytes before the last 8 must be the sign extension of the last 8.
  const high = view.getInt32(at + width - 8);
  const sign = high < 0 ? -1 : 0;
  let i = 0;
  for (; i + 4 <= width - 8; i += 4) if (view.getInt32(at + i) !== sign) return null;
  for (; i < width - 8; i++) if (view.getUint8(at + i) !== (sign & 0xff)) return null;
  const value = high * 4294967296 + view.getUint32(at + width - 4);
  return value <= SAFE_NANO && value >= -SAFE_NANO ? value : null;
}

/** A big-endian two's-complement integer of `width` bytes as a bigint. */
export function fixedBig(bytes: Uint8Array, at: number, width: number): bigint {
  let value = 0n;
  for (let i = 0; i < width; i++) value = (value << 8n) | BigInt(bytes[at + i]!);
  if (width > 0 && bytes[at]! & 0x80) value -= 1n << BigInt(width * 8);
  return value;
}

function decompress(body: Uint8Array, size: number, codec: string): Uint8Array {
  if (codec === "UNCOMPRESSED" || size === 0) return body;
  const out = new Uint8Array(size);
  snappyUncompress(body, out);
  return out;
}

/** Parquet's RLE / bit-packed hybrid: `count` values of `width` bits from bytes[start, end). */
function readHybrid(bytes: Uint8Array, start: number, end: number, width: number, out: Int32Array | Uint8Array, count: number): void {
  let at = start;
  let n = 0;
  const byteWidth = (width + 7) >> 3;
  const mask = width >= 32 ? -1 : (1 << width) - 1;
  while (n < count) {
    if (at >= end) throw new UnexpectedLayout();
    let header = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[at++]!;
      header += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (b < 0x80) break;
    }
    if (header % 2 === 1) {
      // Bit-packed: groups of 8 values, least significant bits first.
      const values = Math.floor(header / 2) * 8;
      let bitOffset = 0;
      for (let i = 0; i < values; i++, bitOffset += width) {
        if (n >= count) break;
        let v = 0;
        let got = 0;
        let byte = at + (bitOffset >> 3);
        let bit = bitOffset & 7;
        while (got < width) {
          const take = Math.min(8 - bit, width - got);
          v |= ((bytes[byte]! >> bit) & ((1 << take) - 1)) << got;
          got += take;
          bit = 0;
          byte++;
        }
        out[n++] = v & mask;
      }
      at += (values * width) >> 3;
    } else {
      const run = Math.floor(header / 2);
      let v = 0;
      for (let i = 0; i < byteWidth; i++) v |= bytes[at++]! << (8 * i);
      const stop = Math.min(count, n + run);
      out.fill(v, n, stop);
      n = stop;
    }
  }
}

interface PageHeader {
  type: number;
  uncompressed: number;
  compressed: number;
  /** Values in the page (data) or in the dictionary. */
  count: number;
  nulls: number;
  encoding: number;
  definitionBytes: number;
  repetitionBytes: number;
  compressedValues: boolean;
}

/** Just enough of Thrift's compact protocol to read a Parquet PageHeader. */
class Thrift {
  constructor(
    private readonly bytes: Uint8Array,
    public offset: number,
  ) {}

  pageHeader(): PageHeader {
    const h: PageHeader = {
      type: -1,
      uncompressed: 0,
      compressed: 0,
      count: 0,
      nulls: 0,
      encoding: -1,
      definitionBytes: 0,
      repetitionBytes: 0,
      compressedValues: true,
    };
    this.struct((id, type) => {
      if (id === 1) h.type = this.int();
      else if (id === 2) h.uncompressed = this.int();
      else if (id === 3) h.compressed = this.int();
      else if (id === 5)
        // DataPageHeader (v1): only its count and encoding; this reader refuses v1 pages anyway.
        this.struct((f, t) => (f === 1 ? (h.count = this.int()) : f === 2 ? (h.encoding = this.int()) : this.skip(t)));
      else if (id === 7) this.struct((f, t) => (f === 1 ? (h.count = this.int()) : f === 2 ? (h.encoding = this.int()) : this.skip(t)));
      else if (id === 8)
        this.struct((f, t) => {
          if (f === 1) h.count = this.int();
          else if (f === 2) h.nulls = this.int();
          else if (f === 4) h.encoding = this.int();
          else if (f === 5) h.definitionBytes = this.int();
          else if (f === 6) h.repetitionBytes = this.int();
          else if (f === 7) h.compressedValues = t === 1;
          else this.skip(t);
        });
      else this.skip(type);
    });
    return h;
  }

  private byte(): number {
    if (this.offset >= this.bytes.length) throw new UnexpectedLayout();
    return this.bytes[this.offset++]!;
  }

  private varint(): number {
    let value = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      value += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (b < 0x80) return value;
      if (shift > 63) throw new UnexpectedLayout();
    }
  }

  /** A zigzag varint (i16, i32, i64 as a number). */
  private int(): number {
    const v = this.varint();
    return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
  }

  private struct(field: (id: number, type: number) => void): void {
    let last = 0;
    for (;;) {
      const head = this.byte();
      if (head === 0) return;
      const type = head & 0x0f;
      const delta = head >> 4;
      const id = delta ? last + delta : this.int();
      last = id;
      field(id, type);
    }
  }

  private skip(type: number): void {
    switch (type) {
      case 1:
      case 2:
        return; // booleans live in the field header
      case 3:
        this.offset++;
        return;
      case 4:
      case 5:
      case 6:
        this.varint();
        return;
      case 7:
        this.offset += 8;
        return;
      case 8:
        this.offset += this.varint();
        return;
      case 9:
      case 10: {
        const head = this.byte();
        const size = head >> 4 === 15 ? this.varint() : head >> 4;
        for (let i = 0; i < size; i++) this.skipElement(head & 0x0f);
        return;
      }
      case 11: {
        const size = this.varint();
        if (size === 0) return;
        const kinds = this.byte();
        for (let i = 0; i < size; i++) {
          this.skipElement(kinds >> 4);
          this.skipElement(kinds & 0x0f);
        }
        return;
      }
      case 12:
        this.struct((_, t) => this.skip(t));
        return;
      default:
        throw new UnexpectedLayout();
    }
  }

  /** A list/map element: a boolean element is one byte here. */
  private skipElement(type: number): void {
    if (type === 1 || type === 2) this.offset++;
    else this.skip(type);
  }
}

/** Columns in a layout this reader does not decode, read by hyparquet (a value per cell). */
async function readWithHyparquet(buffer: ArrayBuffer, metadata: FileMetaData, names: string[]): Promise<Map<string, Column>> {
  const rows = Number(metadata.num_rows);
  const kinds = new Map<string, ColumnKind>();
  // DECIMAL stripped: hyparquet then hands over the unscaled integers (exact), not floats.
  const schema = metadata.schema.map((element, i) => {
    if (i === 0) return element;
    kinds.set(element.name, kindOf(element));
    if (kinds.get(element.name) !== "money") return element;
    const { converted_type: _c, logical_type: _l, ...raw } = element;
    return raw;
  });
  const cells = new Map(names.map((n) => [n, new Array<unknown>(rows).fill(null)]));
  await parquetRead({
    file: buffer,
    metadata: { ...metadata, schema },
    columns: names,
    onChunk: ({ columnName, columnData, rowStart }) => {
      const target = cells.get(columnName)!;
      for (let i = 0; i < columnData.length; i++) target[rowStart + i] = columnData[i] ?? null;
    },
  });
  const out = new Map<string, Column>();
  for (const [name, list] of cells) {
    const kind = kinds.get(name)!;
    if (kind === "dim") out.set(name, dimColumn(list as (string | null)[]));
    else if (kind === "count") out.set(name, { kind: "count", values: Float64Array.from(list, (v) => Number(v ?? 0)) });
    else
      out.set(
        name,
        moneyColumn(list.map((v) => (v instanceof Uint8Array ? fixedBig(v, 0, v.length) : v === null ? 0n : BigInt(v as bigint | number)))),
      );
  }
  return out;
}
