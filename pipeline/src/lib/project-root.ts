import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/**
 * The repository's root: the nearest folder above this module holding the project's
 * package.json. Found by name rather than a fixed `../..`, because the command line
 * also runs from a bundle in pipeline/.cache/ (pipeline/bin/load-cli.js).
 */
export const PROJECT_ROOT = findRoot(import.meta.dirname);

function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "gateway-costs") return dir;
    if (path.dirname(dir) === dir) throw new Error(`no gateway-costs package.json above ${from}`);
  }
}
