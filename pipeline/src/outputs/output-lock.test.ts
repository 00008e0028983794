import { readdir, readFile, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { writeTempTree } from "../../test/temp-dir.ts";
import { PipelineError } from "../lib/errors.ts";
import { LOCK_FILE, lockOutputs, OutputsNotWritable, type Host, type LockOptions } from "./output-lock.ts";

const NOW = new Date("2026-07-01T02:00:00Z");

/** A host on which only the pids in `alive` run. */
function host(pid: number, alive: number[], hostname = "box"): Host {
  return { pid, hostname, isAlive: (p) => alive.includes(p) };
}

async function setup() {
  const root = await writeTempTree({});
  const warnings: string[] = [];
  const options = (h: Host, now = NOW): LockOptions => ({
    cwd: root,
    now: () => now,
    command: "costs run",
    onWarning: (m) => warnings.push(m),
    host: h,
  });
  return { root, out: path.join(root, "data"), warnings, options };
}

async function holder(out: string) {
  return JSON.parse(await readFile(path.join(out, LOCK_FILE), "utf8"));
}

describe("lockOutputs", () => {
  it("lets one writer in at a time: a live holder is named, and its release lets the next one in", async () => {
    const { out, options } = await setup();
    const first = await lockOutputs(out, options(host(100, [100, 200])));
    expect(await holder(out)).toMatchObject({ pid: 100, hostname: "box", started_at: "2026-07-01T02:00:00.000Z", command: "costs run" });

    const error = await lockOutputs(out, options(host(200, [100, 200]))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PipelineError);
    expect((error as PipelineError).message).toBe(
      "another run is writing to data (pid 100, started 2026-07-01T02:00:00.000Z)\n" +
        "  hint: wait for it to finish and run again; if no such run is going on (the process is gone or is another program), remove data/.lock",
    );

    await first.release();
    expect(await readdir(out)).toEqual([]);
    const second = await lockOutputs(out, options(host(200, [100, 200])));
    expect((await holder(out)).pid).toBe(200);
    await second.release();
  });

  it("takes over the lock of a process that is gone, with a warning", async () => {
    const { out, warnings, options } = await setup();
    await lockOutputs(out, options(host(100, [100]))); // never released: the process was killed
    const taken = await lockOutputs(out, options(host(200, [200])));
    expect(warnings).toEqual(["data: taking over the lock of a run that is no longer running (pid 100, started 2026-07-01T02:00:00.000Z)"]);
    expect((await holder(out)).pid).toBe(200);
    await taken.release();
    expect(await readdir(out)).toEqual([]);
  });

  it("takes a lock from another host as live (its processes cannot be seen from here)", async () => {
    const { out, options } = await setup();
    await lockOutputs(out, options(host(100, [], "other-box")));
    await expect(lockOutputs(out, options(host(200, [])))).rejects.toThrow("another run is writing to data (pid 100 on other-box, started");
  });

  it("takes an unreadable lock as being written for 10 s, then as stale", async () => {
    const { out, warnings, options } = await setup();
    await lockOutputs(out, options(host(1, [1]))).then((l) => l.release());
    await writeFile(path.join(out, LOCK_FILE), "");
    await utimes(path.join(out, LOCK_FILE), NOW, NOW);
    await expect(lockOutputs(out, options(host(2, [2]), new Date(NOW.getTime() + 5_000)))).rejects.toThrow(
      "another run is writing to data (its lock is being written)",
    );
    const taken = await lockOutputs(out, options(host(2, [2]), new Date(NOW.getTime() + 11_000)));
    expect(warnings).toEqual(["data: taking over the lock of a run that is no longer running (unreadable lock)"]);
    await taken.release();
  });

  it("never removes a lock that another process holds now", async () => {
    const { out, options } = await setup();
    const first = await lockOutputs(out, options(host(100, [])));
    const second = await lockOutputs(out, options(host(200, [200]))); // took over: 100 looked dead
    await first.release();
    expect((await holder(out)).pid).toBe(200);
    await second.release();
  });

  it("says when the folder cannot be written, naming it", async () => {
    const { root, options } = await setup();
    await writeFile(path.join(root, "a-file"), "");
    const error = await lockOutputs(path.join(root, "a-file", "data"), options(host(1, [1]))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputsNotWritable);
    expect((error as PipelineError).message).toBe(
      "cannot write to a-file/data: a part of the path is a file, not a folder (ENOTDIR)\n  hint: choose an output folder you can write to, or fix its permissions",
    );
  });
});
