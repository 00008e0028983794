/**
 * A run killed while writing leaves the previous outputs exactly as they were, and the
 * next run cleans up after it. The killed run is a real process, SIGKILLed as soon as
 * its staging folder appears (after pricing, while outputs are being written). A kill
 * during the commit itself is commit-kill.test.ts.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli.ts";
import { writeTempTree } from "../temp-dir.ts";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const BIN = path.join(ROOT, "pipeline/bin/costs.js");

async function fingerprint(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, file)] = createHash("sha256")
      .update(await readFile(file))
      .digest("hex");
  }
  return out;
}

describe("a crash while writing", () => {
  it("leaves the previous outputs intact", async () => {
    const out = path.join(await writeTempTree({}), "data");
    const quiet = { out: () => {}, err: () => {}, cwd: ROOT };
    expect(await main(["run", "--logs", "data/sample/truefoundry-export.csv", "--out", out, "--no-progress"], quiet)).toBe(0);
    const before = await fingerprint(out);

    const child = spawn(process.execPath, [BIN, "run", "--logs", "data/sample", "--out", out, "--no-progress"], {
      cwd: ROOT,
      stdio: "ignore",
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
    let killed = false;
    const deadline = Date.now() + 60_000;
    while (!killed && Date.now() < deadline && child.exitCode === null) {
      if ((await readdir(out)).some((e) => e.startsWith(".staging-"))) {
        child.kill("SIGKILL");
        killed = true;
      } else await new Promise((r) => setTimeout(r, 5));
    }
    expect(await exited).toBe("SIGKILL");
    const after = await fingerprint(out);
    // Only the dead run's staging files and its (now stale) lock are new; every previous output is byte-identical.
    expect(Object.keys(after)).toContain(".lock");
    expect(Object.fromEntries(Object.entries(after).filter(([f]) => !f.startsWith(".staging-") && f !== ".lock"))).toEqual(before);

    // The next run takes the stale lock over, removes the leftovers and writes complete outputs.
    let err = "";
    expect(await main(["run", "--logs", "data/sample", "--out", out, "--no-progress"], { ...quiet, err: (s) => (err += s) })).toBe(0);
    expect(err).toMatch(/^warning: .*: taking over the lock of a run that is no longer running \(pid \d+, started /);
    const entries = await readdir(out);
    expect(entries.filter((e) => e.startsWith("."))).toEqual([]);
    expect(JSON.parse(await readFile(path.join(out, "manifest.json"), "utf8")).inputs).toHaveLength(2);
  });
});
