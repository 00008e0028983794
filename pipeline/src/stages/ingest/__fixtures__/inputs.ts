import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { writeTempTree } from "../../../../test/temp-dir.ts";

/** Writes text or binary input files under a fresh temp folder (removed after the test file). */
export async function writeInputs(files: Record<string, string | Uint8Array>): Promise<string> {
  const dir = await writeTempTree({});
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
  }
  return dir;
}

/** Gzip bytes of `content`; `cut` drops that many bytes from the end (a truncated download). */
export function gzip(content: string | Uint8Array, cut = 0): Uint8Array {
  const bytes = gzipSync(content);
  return cut > 0 ? bytes.subarray(0, bytes.length - cut) : bytes;
}

/** Every item of an async generator, in order. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
