/**
 * The `costs run` side of the benchmark: the real command line in a child process, with the
 * repository's pricing/ and policies/, measured by measureChild. Its stage timings come
 * from `costs run --timings FILE` when the command has that flag; without it they are
 * reported as unavailable (never estimated).
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { displayPath } from "../src/lib/errors.ts";
import { measureChild, type ChildResult } from "./measure-child.ts";
import type { Counts } from "../src/stages/write/run-stats.ts";

export interface StageTiming {
  stage: string;
  ms: number;
  note?: string;
}

/** What `costs run --timings FILE` writes. */
export interface CostsTimings {
  wall_ms: number;
  peak_rss_bytes: number;
  threads: number;
  rows: number;
  stages: StageTiming[];
}

/** The manifest's row counts. */
export type CostsCounts = Counts;

export interface CostsResult {
  command: string;
  wallMs: number;
  peakRssBytes: number | null;
  cpuMs: number | null;
  /** The run's total, `run.cost_usd` of manifest.json. */
  costUsd: string;
  counts: CostsCounts;
  /** priced + unpriced: the rows written to priced/. */
  rowsWritten: number;
  timings: CostsTimings | null;
  /** Why timings is null. */
  timingsNote?: string;
  /** The run's --out folder (priced/, manifest.json, …). */
  out: string;
}

export interface RunCostsOptions {
  root: string;
  logs: string;
  /** Scratch folder; the outputs go to WORK/costs-out. */
  work: string;
  echoStderr?: boolean;
}

/** Runs `costs run` on `logs`; throws with the command's exit code and stderr when it fails. */
export async function runCosts(options: RunCostsOptions): Promise<CostsResult> {
  const out = path.join(options.work, "costs-out");
  const timingsFile = path.join(options.work, "timings.json");
  const base = [
    path.join(options.root, "pipeline/bin/costs.js"),
    "run",
    "--logs",
    options.logs,
    "--pricing-dir",
    path.join(options.root, "pricing"),
    "--policies-dir",
    path.join(options.root, "policies"),
    "--out",
    out,
    "--no-progress",
  ];
  // Setup, not timed: the first command after a source change writes the cached bundle of
  // the command line (pipeline/bin/load-cli.js); every later run, like a user's nightly one, loads it.
  await measureChild(process.execPath, [path.join(options.root, "pipeline/bin/costs.js"), "--help"], { cwd: options.root });
  let args = [...base, "--timings", timingsFile];
  let child = await measureChild(process.execPath, args, { cwd: options.root, echoStderr: options.echoStderr });
  let timingsNote: string | undefined;
  if (child.code !== 0 && /unknown option '--timings'/.test(child.stderr)) {
    // This costs run predates --timings: run again without it (it stopped before reading anything).
    timingsNote = "stage timings unavailable (this costs run has no --timings flag)";
    args = base;
    child = await measureChild(process.execPath, args, { cwd: options.root, echoStderr: options.echoStderr });
  }
  const command = `node ${args.map((a) => displayPath(a, options.root)).join(" ")}`;
  if (child.code !== 0) throw new Error(failure("costs run", command, child));

  const manifestFile = path.join(out, "manifest.json");
  if (!existsSync(manifestFile)) throw new Error(`costs run exited 0 but wrote no ${manifestFile}`);
  const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as { counts: CostsCounts; run: { cost_usd: string } };
  let timings: CostsTimings | null = null;
  if (!timingsNote) {
    if (!existsSync(timingsFile)) timingsNote = "stage timings unavailable (costs run wrote no --timings file)";
    else {
      const parsed = JSON.parse(readFileSync(timingsFile, "utf8")) as unknown;
      if (isTimings(parsed)) timings = parsed;
      else timingsNote = `stage timings unavailable (${timingsFile} does not have the expected shape)`;
    }
  }
  return {
    command,
    wallMs: child.wallMs,
    peakRssBytes: child.peakRssBytes,
    cpuMs: child.cpuMs,
    costUsd: manifest.run.cost_usd,
    counts: manifest.counts,
    rowsWritten: manifest.counts.priced + manifest.counts.unpriced,
    timings,
    ...(timingsNote ? { timingsNote } : {}),
    out,
  };
}

function isTimings(value: unknown): value is CostsTimings {
  const t = value as Partial<CostsTimings> | null;
  return (
    typeof t === "object" &&
    t !== null &&
    typeof t.wall_ms === "number" &&
    typeof t.threads === "number" &&
    Array.isArray(t.stages) &&
    t.stages.every((s) => typeof s === "object" && s !== null && typeof s.stage === "string" && typeof s.ms === "number")
  );
}

/** A failed child as one message: what ran, how it ended, the end of its stderr. */
export function failure(job: string, command: string, child: ChildResult): string {
  const how = child.code === null ? `was killed by ${child.signal}` : `exited with code ${child.code}`;
  const tail = child.stderr.trim().split("\n").slice(-20).join("\n") || "(no stderr)";
  return `${job} ${how}\n  command: ${command}\n${tail.replace(/^/gm, "  | ")}`;
}
