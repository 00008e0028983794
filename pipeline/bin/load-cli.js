// How pipeline/bin/costs.js loads the TypeScript command line without a build step.
//
// Normally from a bundle that esbuild writes on first use to pipeline/.cache/cli-<hash>/,
// where <hash> covers every file under pipeline/src, package.json, the esbuild version
// and this file: an edited source gets a new bundle, never a stale one. Loading one
// bundle takes about a second less than compiling each module through tsx's loader
// thread (and `costs run`'s worker threads load it too). When no bundle can be made (a
// read-only install, esbuild missing) or COSTS_TSX=1, the sources run through tsx as before.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const PIPELINE = path.resolve(import.meta.dirname, "..");
const SOURCES = path.join(PIPELINE, "src");
const CACHE = path.join(PIPELINE, ".cache");
/** Older bundles kept besides the new one when a new one is written (the oldest go). */
const KEEP = 3;

/** The module of pipeline/src/cli.ts. */
export async function loadCli() {
  if (process.env.COSTS_TSX !== "1") {
    const dir = await bundled();
    if (dir !== undefined) {
      process.setSourceMapsEnabled(true); // stack traces name the TypeScript sources
      return import(pathToFileURL(path.join(dir, "cli.js")).href);
    }
  }
  const { register } = await import("tsx/esm/api");
  register();
  return import("../src/cli.ts");
}

/** The folder of the bundle for the current sources, written if needed; undefined when it cannot be. */
async function bundled() {
  let esbuild;
  try {
    esbuild = await import("esbuild");
  } catch {
    return undefined;
  }
  const dir = path.join(CACHE, `cli-${sourceHash(esbuild.version)}`);
  if (existsSync(path.join(dir, "cli.js"))) return dir;
  const temporary = `${dir}.${process.pid}.tmp`;
  try {
    await esbuild.build({
      // thread-pool.ts starts `./worker-entry.js` beside itself: in the bundle, the bundled worker.
      entryPoints: { cli: path.join(SOURCES, "cli.ts"), "worker-entry": path.join(SOURCES, "engine/chunk-worker.ts") },
      outdir: temporary,
      bundle: true,
      splitting: true,
      format: "esm",
      platform: "node",
      target: "node20",
      packages: "external",
      sourcemap: "linked",
      logLevel: "silent",
    });
    try {
      renameSync(temporary, dir);
    } catch (error) {
      // Another process wrote the same bundle first: use that one.
      rmSync(temporary, { recursive: true, force: true });
      if (!existsSync(path.join(dir, "cli.js"))) throw error;
    }
    removeOldBundles(path.basename(dir));
    return dir;
  } catch {
    rmSync(temporary, { recursive: true, force: true });
    return undefined;
  }
}

/** sha256 of every source file (path and content), package.json, this file and the esbuild version. */
function sourceHash(esbuildVersion) {
  const hash = createHash("sha256");
  hash.update(`esbuild ${esbuildVersion}\0`);
  const files = [path.join(PIPELINE, "../package.json"), import.meta.filename, ...listFiles(SOURCES)];
  for (const file of files)
    hash
      .update(`${path.relative(PIPELINE, file)}\0`)
      .update(readFileSync(file))
      .update("\0");
  return hash.digest("hex").slice(0, 16);
}

function listFiles(dir) {
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...listFiles(file));
    else if (entry.isFile() && !/\.test\.ts$/.test(entry.name)) files.push(file);
  }
  return files;
}

function removeOldBundles(current) {
  try {
    const old = readdirSync(CACHE)
      .filter((name) => name.startsWith("cli-") && name !== current && !name.endsWith(".tmp"))
      .map((name) => ({ dir: path.join(CACHE, name), at: statSync(path.join(CACHE, name)).mtimeMs }))
      .sort((a, b) => a.at - b.at);
    for (const { dir } of old.slice(0, Math.max(0, old.length - KEEP))) rmSync(dir, { recursive: true, force: true });
  } catch {
    // Only housekeeping.
  }
}
