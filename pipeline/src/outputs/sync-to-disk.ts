import { open, readdir } from "node:fs/promises";
import path from "node:path";

/**
 * fsync, so that what the commit journal points at is on disk before the journal is, and
 * renames are on disk before the journal is removed. A killed process loses nothing
 * without it (the kernel keeps its writes); a power cut could.
 */
export async function syncFile(file: string): Promise<void> {
  const handle = await open(file, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsync of a folder (its entries: created, renamed, removed). Some platforms cannot (Windows): best effort. */
export async function syncDir(dir: string): Promise<void> {
  try {
    await syncFile(dir);
  } catch {
    // Not supported here; the renames are still atomic, only their durability is up to the OS.
  }
}

/** Every file and folder under `dir` (itself included). */
export async function syncTree(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) await syncTree(file);
    else if (entry.isFile()) await syncFile(file);
  }
  await syncDir(dir);
}
