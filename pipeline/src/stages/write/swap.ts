import { mkdir, readdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { exists } from "../../pricing/load-accounts.ts";

/**
 * Outputs are written under `<out>/.staging-<id>/` and moved into place only once all of
 * them are complete, so a crash while writing leaves the previous outputs as they were.
 * Moving in is a short series of directory/file renames on the same file system: each
 * replaced path is first renamed into `<out>/.trash-<id>/`, then the new one renamed in;
 * `manifest.json` moves last, so a manifest always describes outputs that are in place.
 */
export class Staging {
  readonly dir: string;
  private readonly trash: string;

  constructor(
    readonly out: string,
    id: string,
  ) {
    this.dir = path.join(out, `.staging-${id}`);
    this.trash = path.join(out, `.trash-${id}`);
  }

  async open(): Promise<void> {
    await mkdir(this.out, { recursive: true });
    // Leftovers of runs that crashed are never outputs: remove them.
    for (const entry of await readdir(this.out)) {
      if (entry.startsWith(".staging-") || entry.startsWith(".trash-")) await rm(path.join(this.out, entry), { recursive: true, force: true });
    }
    await mkdir(this.dir, { recursive: true });
  }

  path(...parts: string[]): string {
    return path.join(this.dir, ...parts);
  }

  /** Moves each staged relative path into `out`, replacing what was there; `manifest.json` last. */
  async commit(relativePaths: string[]): Promise<void> {
    const ordered = [...relativePaths.filter((p) => p !== "manifest.json"), ...relativePaths.filter((p) => p === "manifest.json")];
    for (const relative of ordered) {
      const target = path.join(this.out, relative);
      await mkdir(path.dirname(target), { recursive: true });
      if (await exists(target)) {
        const old = path.join(this.trash, relative);
        await mkdir(path.dirname(old), { recursive: true });
        await rename(target, old);
      }
      await rename(path.join(this.dir, relative), target);
    }
    await this.discard();
  }

  async discard(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
    await rm(this.trash, { recursive: true, force: true });
  }
}
