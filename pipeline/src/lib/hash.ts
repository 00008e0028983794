import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";

/** sha256 of a file's bytes, streamed, as hex. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

export function sha256Text(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * A content hash of config files: `sha256:<16 hex>` over each file's path (relative to
 * `root`) and bytes. The same pricing and policies give the same version on any machine.
 */
export async function hashFiles(files: string[], root: string): Promise<string> {
  const hash = createHash("sha256");
  for (const file of [...files].sort()) {
    hash.update(`${path.relative(root, file).split(path.sep).join("/")}\0`);
    hash.update(await readFile(file));
    hash.update("\0");
  }
  return `sha256:${hash.digest("hex").slice(0, 16)}`;
}
