import { readdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { writeTempTree } from "../../test/temp-dir.ts";
import { JOURNAL_FILE } from "./journal.ts";
import { lockOutputs, type Host } from "./output-lock.ts";
import { readOutputs, type ReadOptions } from "./read-outputs.ts";

const NOW = new Date("2026-07-01T02:00:00Z");
const JOURNAL = { journal_version: 1, pid: 100, hostname: "box", staging: ".staging-r", trash: ".trash-r", paths: ["rejects.csv"] };

/** An output folder (no manifest: only the protocol matters here) with a commit of `rejects.csv` stopped after its journal. */
async function interrupted(): Promise<{ root: string; out: string }> {
  const root = await writeTempTree({
    "data/rejects.csv": "old",
    "data/.staging-r/rejects.csv": "new",
    [`data/${JOURNAL_FILE}`]: JSON.stringify(JOURNAL),
  });
  return { root, out: path.join(root, "data") };
}

function options(root: string, alive: number[], warnings: string[] = []): ReadOptions {
  const host: Host = { pid: 200, hostname: "box", isAlive: (p) => alive.includes(p) };
  return { cwd: root, now: () => NOW, command: "costs extract", onWarning: (m) => warnings.push(m), host };
}

const readRejects = (out: string) => () => readFile(path.join(out, "rejects.csv"), "utf8");

describe("readOutputs", () => {
  it("fails while the writer of an unfinished commit is alive, without reading", async () => {
    const { root, out } = await interrupted();
    await lockOutputs(out, { ...options(root, [100]), host: { pid: 100, hostname: "box", isAlive: () => true } });
    let read = false;
    const reading = readOutputs(out, options(root, [100]), async () => (read = true));
    await expect(reading).rejects.toThrow(
      "a run is committing into data (pid 100, started 2026-07-01T02:00:00.000Z); try again when it finishes",
    );
    expect(read).toBe(false);
  });

  it("completes the commit of a writer that died, under the lock, then reads the new outputs", async () => {
    const { root, out } = await interrupted();
    await lockOutputs(out, { ...options(root, []), host: { pid: 100, hostname: "box", isAlive: () => true } }); // never released
    const warnings: string[] = [];
    expect(await readOutputs(out, options(root, [], warnings), readRejects(out))).toBe("new");
    expect(warnings).toEqual([
      "data: taking over the lock of a run that is no longer running (pid 100, started 2026-07-01T02:00:00.000Z)",
      "data: completed the commit of a run that stopped while moving its outputs in (pid 100, 1 paths)",
    ]);
    expect(await readdir(out)).toEqual(["rejects.csv"]);
  });

  it("reads outputs a live run is still staging (it has not reached its commit point)", async () => {
    const root = await writeTempTree({ "data/rejects.csv": "old", "data/.staging-r/rejects.csv": "new" });
    const out = path.join(root, "data");
    await lockOutputs(out, { ...options(root, [100]), host: { pid: 100, hostname: "box", isAlive: () => true } });
    expect(await readOutputs(out, options(root, [100]), readRejects(out))).toBe("old");
  });

  it("fails when a commit happens while it reads: what was read may mix two runs", async () => {
    const empty = (at: string) => JSON.stringify({ generated_at: at, dataset: { days: [] }, outputs: { priced: [], extracts: [] } });
    const root = await writeTempTree({ "data/manifest.json": empty("first"), "data/next.json": empty("second") });
    const out = path.join(root, "data");
    const reading = readOutputs(out, options(root, []), async () => {
      await rename(path.join(out, "next.json"), path.join(out, "manifest.json")); // a writer's last rename
      return "mixed";
    });
    await expect(reading).rejects.toThrow("a run committed new outputs into data while this command read it");
    const started = readOutputs(out, options(root, []), async () => {
      await writeFile(path.join(out, JOURNAL_FILE), JSON.stringify(JOURNAL)); // a writer's commit point
      throw new Error("ENOENT, as a partition was moved away");
    });
    await expect(started).rejects.toThrow("a run committed new outputs into data while this command read it");
  });
});
