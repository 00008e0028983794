/**
 * A run SIGKILLed at every step of its commit (outputs/staging.ts) never
 * leaves a reader a mix of two runs, nor loses a day: a real process, killed at step k,
 * over the outputs of an earlier run. The second run replaces one day and adds one.
 *
 * (a) A reader (`costs extract`) then sees either the earlier outputs (killed before the
 *     commit point) or the new ones (after it: the reader completes the commit), exactly
 *     as the manifest lists them, every day present.
 * (b) The next `costs run` succeeds and leaves no staging, trash, journal or lock behind.
 */
import { createHash } from "node:crypto";
import { cp, readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseNano } from "../../src/pricing/money.ts";
import { checkOutputs } from "../check-outputs.ts";
import { runCli } from "../run-cli.ts";
import { startHookedRun, type HookedRun } from "../run-with-commit-hook.ts";
import { writeTempTree } from "../temp-dir.ts";

const ROOT = path.resolve(import.meta.dirname, "../../..");
/** The first run: days 2026-06-16 … 06-18. */
const FIRST = ["--logs", "data/sample/truefoundry-export.csv", "--until", "2026-06-18"];
/** The second run replaces 06-18 and adds 06-19 (both sample files); 06-16 and 06-17 are kept. */
const SECOND = { logs: ["data/sample"], since: "2026-06-18", until: "2026-06-19" };

type Manifest = Awaited<ReturnType<typeof checkOutputs>>;

/** sha256 of every file under `out`, dot-entries included, the manifest's clock fields left out. */
async function fingerprint(out: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(out, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const relative = path.relative(out, file);
    let bytes: string | Buffer = await readFile(file);
    if (relative === "manifest.json") bytes = JSON.stringify({ ...JSON.parse(bytes.toString()), generated_at: null, duration_ms: null });
    files[relative] = createHash("sha256").update(bytes).digest("hex");
  }
  return files;
}

/** `manifest.json` describes exactly the files present: every listed output with its size and sha256, and exactly the dataset's days as partitions. */
async function expectDescribed(out: string, label: string): Promise<Manifest> {
  const manifest = await checkOutputs(out); // rows and money add up across priced rows, extracts and FOCUS
  const listed = [
    ...manifest.outputs.priced,
    manifest.outputs.rejects,
    ...manifest.outputs.extracts.flatMap((e: { files: unknown[] }) => e.files),
    ...manifest.outputs.focus.files,
  ] as Array<{ path: string; bytes: number; sha256: string }>;
  for (const file of listed) {
    const bytes = await readFile(path.join(out, file.path));
    expect(
      { path: file.path, bytes: (await stat(path.join(out, file.path))).size, sha256: createHash("sha256").update(bytes).digest("hex") },
      label,
    ).toEqual({
      path: file.path,
      bytes: file.bytes,
      sha256: file.sha256,
    });
  }
  const partitions = (await readdir(path.join(out, "priced"))).map((d) => d.slice(5)).sort();
  expect(partitions, label).toEqual(manifest.dataset.days);
  const runDays = manifest.outputs.priced.map((p: { path: string }) => p.path.split("/")[1]!.slice(5));
  expect(runDays, label).toEqual(manifest.run.days);
  return manifest;
}

let base: string;
let before: Record<string, string>;
let firstDays: string[];
/** The steps of a commit of the second run, and the outputs once it is complete. */
let steps: string[];
let after: Record<string, string>;

beforeAll(async () => {
  const root = await writeTempTree({});
  base = path.join(root, "base");
  expect((await runCli(ROOT, "run", ...FIRST, "--out", base, "--no-progress")).code).toBe(0);
  before = await fingerprint(base);
  firstDays = (await expectDescribed(base, "first run")).dataset.days;
  expect(firstDays).toEqual(["2026-06-16", "2026-06-17", "2026-06-18"]);

  const complete = path.join(root, "complete");
  await cp(base, complete, { recursive: true });
  const probe = startHookedRun({ out: complete, ...SECOND });
  expect((await probe.exited).code).toBe(0);
  steps = probe.steps;
  after = await fingerprint(complete);
  expect((await expectDescribed(complete, "complete")).dataset.days).toEqual(["2026-06-16", "2026-06-17", "2026-06-18", "2026-06-19"]);
}, 60_000);

describe("a run killed at each step of its commit", () => {
  it("has the steps the protocol says, each path moved aside before its replacement comes in, manifest last", () => {
    expect(steps).toEqual([
      "0 staged",
      "1 journal",
      "2 trash priced/date=2026-06-18",
      "3 move priced/date=2026-06-18",
      "4 move priced/date=2026-06-19",
      "5 trash rollups/date=2026-06-18.json",
      "6 move rollups/date=2026-06-18.json",
      "7 move rollups/date=2026-06-19.json",
      "8 trash rejects.csv",
      "9 move rejects.csv",
      "10 trash extracts",
      "11 move extracts",
      "12 trash focus",
      "13 move focus",
      "14 trash manifest.json",
      "15 move manifest.json",
      "16 journal removed",
      "17 trash removed",
      "18 staging removed",
    ]);
  });

  it("leaves readers the previous outputs or the new ones, whole, and the next run cleans up", async () => {
    expect(steps).toHaveLength(19);
    const root = await writeTempTree({});
    const outs = steps.map((_, k) => path.join(root, `k${k}`));
    // The killed runs, two at a time (the checks below run in this process).
    for (let k = 0; k < steps.length; k += 2) {
      const killed = await Promise.all(
        outs.slice(k, k + 2).map(async (out, i) => {
          await cp(base, out, { recursive: true });
          const args: HookedRun = { out, ...SECOND, at: k + i, signal: "SIGKILL" };
          return startHookedRun(args).exited;
        }),
      );
      for (const [i, { signal, stderr }] of killed.entries()) expect(signal, `step ${k + i}: ${stderr}`).toBe("SIGKILL");
    }

    for (const [k, out] of outs.entries()) {
      const label = `killed after step ${steps[k]}`;

      // (a) what a reader sees
      const read = await runCli(ROOT, "extract", "--data", out, "--group-by", "date");
      expect(read.err, label).not.toMatch(/internal error|^error/m);
      expect(read.code, label).toBe(0);
      const committed = k >= 1; // the journal is the commit point
      expect(read.err.includes("completed the commit of a run that stopped"), label).toBe(committed && k <= 15);
      const visible = Object.fromEntries(Object.entries(await fingerprint(out)).filter(([f]) => !f.startsWith(".")));
      expect(visible, label).toEqual(committed ? after : before);
      const manifest = await expectDescribed(out, label);
      expect(manifest.dataset.days, label).toEqual(committed ? ["2026-06-16", "2026-06-17", "2026-06-18", "2026-06-19"] : firstDays);
      const extracted = read.out.trim().split("\n").slice(1);
      expect(
        extracted.map((line) => line.split(",")[0]),
        label,
      ).toEqual(manifest.dataset.days);
      expect(
        extracted.reduce((sum, line) => sum + parseNano(line.split(",")[6]!), 0n),
        label,
      ).toBe(parseNano(manifest.dataset.cost_usd));

      // (b) the next run
      const next = await runCli(
        ROOT,
        "run",
        "--logs",
        ...SECOND.logs,
        "--since",
        SECOND.since,
        "--until",
        SECOND.until,
        "--out",
        out,
        "--no-progress",
      );
      expect(next.code, `${label}: ${next.err}`).toBe(0);
      expect(
        (await readdir(out)).filter((e) => e.startsWith(".")),
        label,
      ).toEqual([]);
      expect(await fingerprint(out), label).toEqual(after);
    }
  }, 300_000);
});
