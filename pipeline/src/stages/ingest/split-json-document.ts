import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { pipeline } from "node:stream";
import { createGunzip } from "node:zlib";
import { MAX_LINE_CHARS } from "./parse-jsonl-lines.ts";
import { readError } from "./read-error.ts";
import { CHUNK_BYTES, type JsonlChunk, type JsonlProblem } from "./split-jsonl.ts";

/** How a `.json` file holds its records. */
export type JsonLayout = "lines" | "array" | "page";

function open(file: string, gzip: boolean, chunkBytes: number): AsyncIterable<Buffer> {
  const source = createReadStream(file, { highWaterMark: gzip ? 1 << 20 : chunkBytes });
  return (gzip ? pipeline(source, createGunzip({ chunkSize: 1 << 20 }), () => {}) : source) as AsyncIterable<Buffer>;
}

const isSpace = (b: number) => b === 32 || b === 10 || b === 13 || b === 9;

/**
 * How a `.json` file holds its records, from its first bytes (docs/pipeline.md, "Input
 * formats"): `array` when the first character (after a byte-order mark and spaces) is `[`;
 * `page` when it is `{` and that first value does not end on its first line, or is the only
 * value in the file and has a `data` list; else `lines` (JSON Lines). Reads at most the
 * first line (up to MAX_LINE_CHARS bytes) and the spaces after it.
 */
export async function detectJsonLayout(file: string, gzip: boolean): Promise<JsonLayout> {
  if ((await stat(file)).size === 0) return "lines";
  const parts: Buffer[] = [];
  let size = 0;
  let first = -1; // the first non-space byte
  let newline = -1;
  let stream: AsyncIterator<Buffer> | undefined;
  try {
    stream = open(file, gzip, 1 << 16)[Symbol.asyncIterator]();
    for (;;) {
      const next = await stream.next();
      if (next.done) break;
      let data = next.value;
      if (size === 0 && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) data = data.subarray(3);
      parts.push(data);
      size += data.length;
      const all = Buffer.concat(parts, size);
      if (first === -1) {
        first = all.findIndex((b) => !isSpace(b));
        if (first === -1) continue;
        if (all[first] !== 123) return all[first] === 91 ? "array" : "lines";
      }
      if (newline === -1) newline = all.indexOf(10, first);
      if (newline === -1) {
        if (size > MAX_LINE_CHARS) return "page"; // one giant line: only a document is that long
        continue;
      }
      const rest = all.subarray(newline + 1);
      if (rest.some((b) => !isSpace(b))) return firstLineLayout(all.subarray(first, newline), false);
    }
  } catch {
    return "lines"; // the JSON Lines reader reports the read error
  } finally {
    await stream?.return?.();
  }
  if (first === -1) return "lines";
  const all = Buffer.concat(parts, size);
  return firstLineLayout(all.subarray(first, newline === -1 ? all.length : newline), true);
}

function firstLineLayout(line: Buffer, onlyValue: boolean): JsonLayout {
  let value: unknown;
  try {
    value = JSON.parse(line.toString("utf8"));
  } catch {
    return "page"; // the first value goes on past its line: a pretty-printed document
  }
  const hasData = typeof value === "object" && value !== null && Array.isArray((value as { data?: unknown }).data);
  return onlyValue && hasData ? "page" : "lines";
}

/**
 * Cuts a JSON document (a top-level array of records, or an object whose `data` is one:
 * `{"object":"list","data":[…],"has_more":…}`) into JSON Lines chunks of about `chunkBytes`,
 * one element per line with the spaces and line ends between its tokens made single
 * spaces, so they take the same path as JSON Lines (parse-jsonl-chunk.ts). Streaming: the
 * file is never held whole. A chunk's `firstLine` is the 1-based index of its first
 * element, so a bad element is one reject numbered by its place in the array. Problems of
 * the document itself (not JSON, no records list, truncated) are one problem at line 0, or
 * at the element where it ends. Elements are not checked here beyond their brackets and
 * strings: each is parsed by the JSON Lines rules. An element longer than `maxLineBytes` is
 * one problem and skipped.
 */
export async function* splitJsonDocument(
  file: string,
  gzip: boolean,
  layout: "array" | "page",
  options: { chunkBytes?: number; maxLineBytes?: number; onBytes?: (bytes: Uint8Array) => void } = {},
): AsyncGenerator<JsonlChunk | JsonlProblem> {
  const chunkBytes = options.chunkBytes ?? CHUNK_BYTES;
  const maxLineBytes = options.maxLineBytes ?? MAX_LINE_CHARS;
  let out = Buffer.allocUnsafe(Math.min(chunkBytes, 1 << 20) + 1024);
  let used = 0;
  let firstIndex = 1;
  let index = 0; // elements started
  let depth = 0;
  let inString = false;
  let escape = false;
  let capturing = false;
  let captured = "";
  let lastKey = "";
  let seenTop = false;
  let recordsOpen = false;
  let recordsDone = false;
  let recordsDepth = 0;
  let inElement = false;
  let scalar = false;
  let elementStart = 0;
  let skipping = false;
  const ready: Array<JsonlChunk | JsonlProblem> = [];

  const put = (b: number) => {
    if (skipping) return;
    if (used === out.length) {
      const bigger = Buffer.allocUnsafe(out.length * 2);
      out.copy(bigger, 0, 0, used);
      out = bigger;
    }
    out[used++] = b;
    if (used - elementStart > maxLineBytes) {
      ready.push(...flush(elementStart));
      ready.push({ kind: "problem", line: index, error: `element longer than ${maxLineBytes} characters`, raw: "" });
      firstIndex = index + 1;
      used = 0;
      elementStart = 0;
      skipping = true;
    }
  };
  /** The whole elements before `end` as a chunk (at most one), keeping the bytes after it. */
  const flush = (end: number): JsonlChunk[] => {
    if (end === 0) return [];
    const bytes = new Uint8Array(end);
    bytes.set(out.subarray(0, end));
    out.copy(out, 0, end, used);
    used -= end;
    const chunk: JsonlChunk = { kind: "chunk", bytes, firstLine: firstIndex };
    return [chunk];
  };
  const endElement = () => {
    inElement = false;
    if (skipping) {
      skipping = false;
    } else {
      put(10);
      if (used >= chunkBytes) {
        ready.push(...flush(used));
        firstIndex = index + 1;
      }
    }
    elementStart = used;
  };
  // The reject's file column names the file (as the run shows it: no absolute path in the reason).
  const documentProblem = (error: string, line = 0): JsonlProblem => ({ kind: "problem", line, error, raw: "" });

  let failed: JsonlProblem | undefined;
  try {
    if ((await stat(file)).size === 0) return;
    let bom = true;
    for await (let data of open(file, gzip, chunkBytes)) {
      if (!gzip) options.onBytes?.(data);
      if (bom) {
        bom = false;
        if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) data = data.subarray(3);
      }
      for (let i = 0; i < data.length && failed === undefined; i++) {
        const b = data[i]!;
        if (inString) {
          // A raw line end inside a string is invalid JSON: kept invalid (a control character).
          if (inElement) put(b === 10 || b === 13 ? 1 : b);
          else if (capturing && captured.length < 16) captured += String.fromCharCode(b);
          if (escape) escape = false;
          else if (b === 92) escape = true;
          else if (b === 34) {
            inString = false;
            if (capturing) {
              lastKey = captured.slice(0, -1);
              capturing = false;
            }
          }
          continue;
        }
        if (isSpace(b)) {
          if (inElement) put(b === 10 || b === 13 ? 32 : b);
          continue;
        }
        if (recordsOpen && depth === recordsDepth && !inElement) {
          if (b === 44) continue; // the comma between elements
          if (b === 93) {
            recordsOpen = false;
            recordsDone = true;
            depth--;
            continue;
          }
          inElement = true;
          scalar = b !== 123 && b !== 91;
          elementStart = used;
          index++;
        } else if (inElement && scalar && depth === recordsDepth && (b === 44 || b === 93)) {
          endElement();
          if (b === 93) {
            recordsOpen = false;
            recordsDone = true;
            depth--;
          }
          continue;
        }
        if (inElement) put(b);
        if (b === 34) {
          inString = true;
          if (!inElement && depth === 1 && layout === "page") {
            capturing = true;
            captured = "";
          }
        } else if (b === 123 || b === 91) {
          if (depth === 0) {
            if (seenTop) failed = documentProblem("not one JSON document: a second value follows the first");
            else if (layout === "array" && b === 91) {
              recordsOpen = true;
              recordsDepth = 1;
            } else if (layout === "array" || b !== 123) failed = documentProblem("not a JSON array or object");
            seenTop = true;
          } else if (depth === 1 && layout === "page" && !recordsOpen && !recordsDone && b === 91 && lastKey === "data") {
            recordsOpen = true;
            recordsDepth = 2;
          }
          depth++;
        } else if (b === 125 || b === 93) {
          depth--;
          if (depth < 0) failed = documentProblem("not valid JSON: a closing bracket without an opening one");
          else if (inElement && !scalar && depth === recordsDepth) endElement();
        } else if (depth === 0) failed = documentProblem("not a JSON document: it starts with neither `[` nor `{`");
      }
      if (ready.length > 0) yield* ready.splice(0);
      if (failed) break;
    }
  } catch (error) {
    yield* ready.splice(0);
    yield* flush(elementStart);
    yield { kind: "problem", ...readError(error, index) };
    return;
  }
  yield* ready.splice(0);
  if (!failed && !inElement) yield* flush(used);
  else yield* flush(elementStart);
  if (failed) yield failed;
  else if (inElement || depth !== 0 || inString)
    yield documentProblem(
      `JSON document ends inside ${inElement ? `element ${index}` : "the document"}: truncated?`,
      inElement ? index : 0,
    );
  else if (!recordsDone)
    yield documentProblem("JSON document has no list of records: expected a top-level array or an object with a `data` array");
}
