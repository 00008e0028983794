/**
 * One writer per output folder (outputs/output-lock.ts), and readers that
 * never read a commit half done: real processes.
 */
import { execFile } from "node:child_process";
import { copyFile, mkdir, readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { checkOutputs } from "../check-outputs.ts";
import { runCli } from "../run-cli.ts";
import { startHookedRun } from "../run-with-commit-hook.ts";
import { writeTempTree } from "../temp-dir.ts";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const BIN = path.join(ROOT, "pipeline/bin/costs.js");

/** Runs pipeline/bin/costs.js in a child process. */
async function costs(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...argv], { cwd: ROOT, maxBuffer: 1 << 24 });
    return { code: 0, out: stdout, err: stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout, err: e.stderr };
  }
}

/** Resolves once process `pid` is stopped (Linux: /proc; elsewhere after a short wait). */
async function stopped(pid: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => undefined);
    if (stat === undefined) return new Promise((r) => setTimeout(r, 200));
    if (/^\d+ \(.*\) T /.test(stat)) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`process ${pid} did not stop`);
}

describe("two runs into one output folder", () => {
  it("started together: one writes, the other stops at once saying another run is writing (never an internal error)", async () => {
    const root = await writeTempTree({});
    // Eight copies of the sample: each run holds the lock for a few seconds, so the two overlap.
    await mkdir(path.join(root, "logs"));
    for (let i = 1; i <= 8; i++)
      await copyFile(path.join(ROOT, "data/sample/gateway-logs.jsonl.gz"), path.join(root, "logs", `part-${i}.jsonl.gz`));
    const out = path.join(root, "data");
    const args = ["run", "--logs", path.join(root, "logs"), "--out", out, "--no-progress"];

    const results = await Promise.all([costs(...args), costs(...args)]);
    for (const r of results) expect(r.err).not.toMatch(/internal error|ENOENT/);
    expect(results.map((r) => r.code).sort()).toEqual([0, 1]);
    const failed = results.find((r) => r.code === 1)!;
    expect(failed.err).toMatch(
      new RegExp(
        `^error: another run is writing to ${out} \\(pid \\d+, started \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\)\\n  hint: wait for it to finish`,
      ),
    );
    expect(failed.out).toBe("");

    expect((await readdir(out)).filter((e) => e.startsWith("."))).toEqual([]);
    const manifest = await checkOutputs(out);
    expect(manifest.counts.rows_read).toBe(32_000);
    expect(manifest.dataset.days).toHaveLength(30);
  }, 120_000);

  it("while one is stopped in its commit: writers and readers are told, and it completes when it goes on", async () => {
    const root = await writeTempTree({});
    const out = path.join(root, "data");
    const site = ["--out", path.join(root, "site-data"), "--public-dir", path.join(root, "public")];
    expect((await runCli(ROOT, "run", "--logs", "data/sample/truefoundry-export.csv", "--out", out, "--no-progress")).code).toBe(0);

    // Stopped before its commit point (everything staged): readers read the previous outputs.
    const staged = startHookedRun({ out, logs: ["data/sample"], at: 0, signal: "SIGSTOP" });
    await staged.reached(0);
    await stopped(staged.child.pid!);
    const early = await costs("extract", "--data", out, "--group-by", "model");
    expect(early.err).toMatch(/^extract: \d+ rows grouped by model from 294 priced rows/);
    expect(early.code).toBe(0);
    staged.child.kill("SIGCONT");
    expect((await staged.exited).code).toBe(0);

    // Stopped after its commit point (the journal written, nothing moved yet).
    const committing = startHookedRun({ out, logs: ["data/sample/truefoundry-export.csv"], since: "2026-07-01", at: 1, signal: "SIGSTOP" });
    await committing.reached(1);
    await stopped(committing.child.pid!);
    const pid = committing.child.pid!;

    const writer = await costs("run", "--logs", "data/sample", "--out", out, "--no-progress");
    expect(writer.code).toBe(1);
    expect(writer.err).toMatch(new RegExp(`^error: another run is writing to ${out} \\(pid ${pid}, started `));
    const busy = new RegExp(`^error: a run is committing into ${out} \\(pid ${pid}, started [^)]*\\); try again when it finishes\\n`);
    for (const reader of [
      ["extract", "--data", out, "--group-by", "model"],
      ["site-data", "--data", out, ...site],
      ["diff", "--base", "HEAD", "--head", "HEAD", "--usage", out],
    ]) {
      const r = await costs(...reader);
      expect(r.err, reader[0]).toMatch(busy);
      expect(r.code, reader[0]).toBe(1);
    }

    committing.child.kill("SIGCONT");
    expect((await committing.exited).code).toBe(0);
    expect((await readdir(out)).filter((e) => e.startsWith("."))).toEqual([]);
    const manifest = await checkOutputs(out);
    expect(manifest.run.days).toEqual([
      "2026-07-01",
      "2026-07-02",
      "2026-07-03",
      "2026-07-04",
      "2026-07-05",
      "2026-07-06",
      "2026-07-07",
      "2026-07-08",
      "2026-07-09",
      "2026-07-10",
      "2026-07-11",
      "2026-07-12",
      "2026-07-13",
      "2026-07-14",
      "2026-07-15",
    ]);
    expect(manifest.dataset.days).toHaveLength(30);
    const after = await costs("site-data", "--data", out, ...site);
    expect(after.err).toBe("");
    expect(after.code).toBe(0);
  }, 120_000);
});
