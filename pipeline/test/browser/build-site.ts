/**
 * Builds the report site the way the nightly job does: `costs run` → `costs site-data`
 * → `astro build`, with the priced data, the site's JSON (SITE_DATA_DIR) and the built
 * site (--outDir) in a temp folder, and the downloads (cube, extracts, FOCUS) in a temp
 * public folder (SITE_PUBLIC_DIR). Nothing in the repository is written, so builds do not
 * collide. Shared by the browser tests and `pipeline/bench/site.ts`.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "../../..");

export interface BuiltSite {
  /** `costs run --out`: priced Parquet, extracts, manifest.json. */
  data: string;
  /** `costs site-data --out`: the JSON the pages are built from. */
  siteData: string;
  /** The built static site (Astro outDir). */
  dist: string;
  /** The run's manifest.json. */
  manifest: { dataset: { cost_usd: string; rows: number; days: string[] }; counts: Record<string, number> };
  /** Milliseconds per step, for the benchmark. */
  timings: { run: number; siteData: number; astro: number };
}

export interface BuildSiteOptions {
  /** Log files or folders for `costs run --logs`. */
  logs: string[];
  /** A fresh temp folder that receives data/, site-data/ and dist/. */
  work: string;
  /** Echo the commands' stderr (the benchmark); tests keep it for the error message. */
  verbose?: boolean;
  /** `--policies-dir` of `costs run` and `costs site-data` (default: the repository's policies/). */
  policiesDir?: string;
  /** Build with `costs site-data --pseudonymise-users`, this salt in SITE_USER_SALT (default: real names, whatever the environment says). */
  userSalt?: string;
  /** Called with the data folder between `costs run` and `costs site-data` (e.g. to add a restatements.json fixture). */
  afterRun?: (data: string) => Promise<void>;
  /** Keep `costs run`'s and `costs site-data`'s output when `work` already has it (the benchmark's `--work`): only astro builds. */
  reuseData?: boolean;
  /** `costs site-data --cube-parts`: from this many cube rows on, the cube's shards and projection are written. */
  cubeParts?: number;
}

export async function buildSite({
  logs,
  work,
  verbose = false,
  policiesDir,
  userSalt,
  afterRun,
  reuseData = false,
  cubeParts,
}: BuildSiteOptions): Promise<BuiltSite> {
  const data = path.join(work, "data");
  const siteData = path.join(work, "site-data");
  const dist = path.join(work, "dist");
  // Astro's publicDir (SITE_PUBLIC_DIR in astro.config.mjs): `costs site-data` puts the downloads in its data/.
  const publicDir = path.join(work, "public");
  const timings = { run: 0, siteData: 0, astro: 0 };
  const costs = path.join(ROOT, "pipeline/bin/costs.js");
  const policies = policiesDir ? ["--policies-dir", policiesDir] : [];

  const reuse = reuseData && existsSync(path.join(data, "manifest.json")) && existsSync(path.join(siteData, "summary.json"));
  if (reuse) {
    if (verbose) process.stderr.write(`reusing ${data} and ${siteData}\n`);
  } else {
    timings.run = await step(verbose, process.execPath, [costs, "run", "--logs", ...logs, "--out", data, "--no-progress", ...policies]);
    await afterRun?.(data);
    const pseudonymise = userSalt === undefined ? [] : ["--pseudonymise-users"];
    const parts = cubeParts === undefined ? [] : ["--cube-parts", String(cubeParts)];
    timings.siteData = await step(
      verbose,
      process.execPath,
      [costs, "site-data", "--data", data, "--out", siteData, "--public-dir", publicDir, ...policies, ...pseudonymise, ...parts],
      { SITE_PSEUDONYMISE_USERS: "", SITE_USER_SALT: userSalt ?? "" },
    );
  }
  timings.astro = await step(verbose, process.execPath, [path.join(ROOT, "node_modules/astro/astro.js"), "build", "--outDir", dist], {
    SITE_DATA_DIR: siteData,
    SITE_PUBLIC_DIR: publicDir,
    ASTRO_TELEMETRY_DISABLED: "1",
  });

  const manifest = JSON.parse(await readFile(path.join(data, "manifest.json"), "utf8")) as BuiltSite["manifest"];
  return { data, siteData, dist, manifest, timings };
}

/** Runs one command in the repository root; throws with its output when it fails. Returns its duration. */
async function step(verbose: boolean, command: string, args: string[], env: Record<string, string> = {}): Promise<number> {
  const start = performance.now();
  const label = args.map((a) => (a.startsWith(`${ROOT}${path.sep}`) ? path.relative(ROOT, a) : a)).join(" ");
  if (verbose) process.stderr.write(`$ ${path.basename(command)} ${label}\n`);
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
    if (verbose) process.stderr.write(chunk);
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString();
    if (verbose) process.stderr.write(chunk);
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  if (code !== 0) throw new Error(`\`${label}\` exited with ${code}:\n${output.slice(-4000)}`);
  return performance.now() - start;
}
