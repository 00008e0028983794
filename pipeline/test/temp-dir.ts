import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll } from "vitest";

/** Writes `files` (relative path → text) under a fresh temp folder removed after the test file. */
export async function writeTempTree(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "costs-test-"));
  afterAll(() => rm(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(dir, name);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text);
  }
  return dir;
}

/** The reference catalog beside the project, when this checkout has one (CI does; a user's clone does not). */
export const SHARED_CATALOG = path.resolve(import.meta.dirname, "../../../shared/catalog");
