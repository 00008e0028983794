import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { pipeline } from "node:stream";
import { createGunzip } from "node:zlib";
import { MAX_LINE_CHARS } from "./parse-jsonl-lines.ts";
import { readError } from "./read-error.ts";
import type { RawError } from "./raw-record.ts";

/** Whole lines of a JSON Lines file, starting at physical line `firstLine`, in their own buffer (transferable). */
export interface JsonlChunk {
  kind: "chunk";
  bytes: Uint8Array;
  firstLine: number;
}

/** A problem the splitter found itself: an over-long line, a truncated gzip, an unreadable file. */
export interface JsonlProblem extends RawError {
  kind: "problem";
}

export const CHUNK_BYTES = 8 << 20;

/**
 * Cuts a JSON Lines file (gzipped or not) into chunks of about `chunkBytes` that end at a
 * line end, so threads can parse them independently; each chunk says the physical line
 * it starts at (blank lines counted). A UTF-8 byte-order mark is dropped. A line longer
 * than `maxLineBytes` becomes one problem and is skipped. A read error (a truncated gzip)
 * ends the file with one problem at the line after the last whole line; the partial line
 * is not guessed at.
 * `onBytes` sees every byte of a plain (not gzipped) file as read, for a content hash.
 */
export async function* splitJsonl(
  file: string,
  gzip: boolean,
  options: { chunkBytes?: number; maxLineBytes?: number; onBytes?: (bytes: Uint8Array) => void } = {},
): AsyncGenerator<JsonlChunk | JsonlProblem> {
  const chunkBytes = options.chunkBytes ?? CHUNK_BYTES;
  const maxLineBytes = options.maxLineBytes ?? MAX_LINE_CHARS;
  let line = 1;
  let parts: Buffer[] = [];
  let size = 0;
  let skipping = false;
  let first = true;
  /** Whether `parts` hold a line end. */
  let complete = false;
  /** Bytes after the last line end in `parts`: the line still open. */
  let tail = 0;
  const take = (): JsonlChunk | undefined => {
    const all = parts.length === 1 ? parts[0]! : Buffer.concat(parts, size);
    const end = all.lastIndexOf(10);
    if (end === -1) return undefined;
    const bytes = new Uint8Array(end + 1);
    bytes.set(all.subarray(0, end + 1));
    const rest = all.subarray(end + 1);
    parts = rest.length > 0 ? [Buffer.from(rest)] : [];
    size = rest.length;
    const chunk: JsonlChunk = { kind: "chunk", bytes, firstLine: line };
    line += countLines(bytes);
    return chunk;
  };
  try {
    if ((await stat(file)).size === 0) return;
    const source = createReadStream(file, { highWaterMark: gzip ? 1 << 20 : chunkBytes });
    const input = gzip ? pipeline(source, createGunzip({ chunkSize: 1 << 20 }), () => {}) : source;
    for await (let data of input as AsyncIterable<Buffer>) {
      if (!gzip) options.onBytes?.(data);
      if (first) {
        first = false;
        if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) data = data.subarray(3);
      }
      if (skipping) {
        const end = data.indexOf(10);
        if (end === -1) continue;
        data = data.subarray(end + 1);
        skipping = false;
        line++;
      }
      parts.push(data);
      size += data.length;
      const last = data.lastIndexOf(10);
      if (last !== -1) {
        complete = true;
        tail = data.length - last - 1;
      } else tail += data.length;
      if (tail > maxLineBytes) {
        // A line that does not end: the whole lines before it, then the problem; skip to its end.
        if (complete) yield take()!;
        const partial = Buffer.concat(parts);
        yield {
          kind: "problem",
          line,
          error: `line longer than ${maxLineBytes} characters`,
          raw: partial.subarray(0, 4096).toString("utf8"),
        };
        parts = [];
        size = 0;
        tail = 0;
        complete = false;
        skipping = true;
      } else if (complete && size >= chunkBytes) {
        yield take()!;
        complete = false;
      }
    }
  } catch (error) {
    const chunk = complete ? take() : undefined;
    if (chunk) yield chunk;
    yield { kind: "problem", ...readError(error, line) };
    return;
  }
  if (size > 0 && !skipping) {
    const bytes = new Uint8Array(size);
    let at = 0;
    for (const part of parts) {
      bytes.set(part, at);
      at += part.length;
    }
    yield { kind: "chunk", bytes, firstLine: line };
  }
}

/** Line ends in `bytes` (Buffer's indexOf is a native byte search; a Uint8Array's is a slow generic loop). */
function countLines(bytes: Uint8Array): number {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let n = 0;
  let at = buffer.indexOf(10);
  while (at !== -1) {
    n++;
    at = buffer.indexOf(10, at + 1);
  }
  return n;
}
