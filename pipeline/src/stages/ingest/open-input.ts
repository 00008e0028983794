import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { pipeline, type Readable } from "node:stream";
import { createGunzip } from "node:zlib";

const CHUNK_BYTES = 1 << 16;

/**
 * Opens a text input for streaming: UTF-8 string chunks, gunzipped when `gzip`.
 * Undefined for a 0-byte file (a 0-byte `.gz` is an empty file, not a broken gzip).
 * Errors (missing file, corrupt gzip) surface when the stream is read; turn them into
 * an item with `readError`.
 */
export async function openInput(file: string, gzip: boolean): Promise<Readable | undefined> {
  const { size } = await stat(file);
  if (size === 0) return undefined;
  const source = createReadStream(file, { highWaterMark: CHUNK_BYTES });
  const text = gzip ? pipeline(source, createGunzip({ chunkSize: CHUNK_BYTES }), () => {}) : source;
  text.setEncoding("utf8");
  return text;
}
