/**
 * File-system problems a person can cause are one-line errors (exit 1) naming the path,
 * never `internal error` (exit 70) with a stack trace. The read-only case is real: as root
 * (CI), which ignores permission bits, the command runs as root without the capabilities
 * that bypass them (util-linux `setpriv`; else as `nobody`, who must be able to read the
 * checkout) on a 0555 folder; as anyone else, on a folder chmod 0555.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../run-cli.ts";
import { startHookedRun } from "../run-with-commit-hook.ts";
import { writeTempTree } from "../temp-dir.ts";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const BIN = path.join(ROOT, "pipeline/bin/costs.js");
const ROOT_USER = process.getuid?.() === 0;
const NOBODY = 65534;
const SETPRIV = "/usr/bin/setpriv";
/** Root's file capabilities that ignore permission bits, dropped for the command under test. */
const DROP = "--bounding-set=-dac_override,-dac_read_search,-fowner";

/** A temp folder others can enter (mkdtemp makes it 0700). */
async function sharedTempDir(): Promise<string> {
  const root = await writeTempTree({});
  await chmod(root, 0o755);
  return root;
}

/** Runs pipeline/bin/costs.js so that permission bits bind it: under root, without the capabilities that bypass them. */
async function costsAsReader(root: string, ...argv: string[]): Promise<{ code: number | null; err: string }> {
  const setpriv = ROOT_USER && existsSync(SETPRIV);
  const [command, args] = setpriv ? [SETPRIV, [DROP, "--", process.execPath, BIN, ...argv]] : [process.execPath, [BIN, ...argv]];
  const child = spawn(command, args, {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, HOME: root },
    ...(ROOT_USER && !setpriv ? { uid: NOBODY, gid: NOBODY } : {}),
  });
  let err = "";
  child.stderr.setEncoding("utf8").on("data", (text: string) => (err += text));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  return { code, err };
}

describe("an output folder that cannot be written", () => {
  it("read-only --out: `cannot write to OUT: permission denied (EACCES)`, exit 1, nothing written", async () => {
    const root = await sharedTempDir();
    const out = path.join(root, "data");
    expect((await runCli(ROOT, "run", "--logs", "data/sample/truefoundry-export.csv", "--out", out, "--no-progress")).code).toBe(0);
    await chmod(out, 0o555);
    const before = await readdir(out);

    const { code, err } = await costsAsReader(root, "run", "--logs", "data/sample/truefoundry-export.csv", "--out", out, "--no-progress");
    expect(err).toBe(
      `error: cannot write to ${out}: permission denied (EACCES)\n  hint: choose an output folder you can write to, or fix its permissions\n`,
    );
    expect(code).toBe(1);
    expect(await readdir(out)).toEqual(before);

    // Reading needs no write access.
    const read = await costsAsReader(root, "extract", "--data", out, "--group-by", "model");
    expect(read.err).toMatch(/^extract: 24 rows grouped by model from 294 priced rows/);
    expect(read.code).toBe(0);
  }, 60_000);

  it("read-only, with the unfinished commit of a killed run: readers say to rerun `costs run`, which completes it", async () => {
    const root = await sharedTempDir();
    const out = path.join(root, "data");
    expect((await runCli(ROOT, "run", "--logs", "data/sample/truefoundry-export.csv", "--out", out, "--no-progress")).code).toBe(0);
    const killed = startHookedRun({ out, logs: ["data/sample"], since: "2026-07-10", at: 5, signal: "SIGKILL" });
    const { signal, stderr } = await killed.exited;
    expect(signal, stderr).toBe("SIGKILL");
    await chmod(out, 0o555);

    const read = await costsAsReader(root, "extract", "--data", out, "--group-by", "model");
    expect(read.err).toBe(
      `error: ${out} holds the unfinished commit of a run that stopped (pid ${killed.child.pid}), which this command cannot complete: permission denied (EACCES)\n` +
        `  hint: run \`costs run\` again as a user who can write to ${out}: it completes the commit first\n`,
    );
    expect(read.code).toBe(1);

    await chmod(out, 0o755);
    const rerun = await runCli(ROOT, "run", "--logs", "data/sample", "--since", "2026-07-10", "--out", out, "--no-progress");
    expect(rerun.code).toBe(0);
    expect(rerun.err).toBe(
      `warning: ${out}: taking over the lock of a run that is no longer running (pid ${killed.child.pid}, started ${rerun.err.match(/started ([^)]+)\)/)?.[1]})\n` +
        `warning: ${out}: completed the commit of a run that stopped while moving its outputs in (pid ${killed.child.pid}, 16 paths)\n`,
    );
    expect((await runCli(ROOT, "extract", "--data", out, "--group-by", "model")).code).toBe(0);
  }, 60_000);

  it("a path under a regular file, for `costs run --out` and the files other commands write", async () => {
    const root = await writeTempTree({ "a-file": "" });
    const run = await runCli(
      root,
      "run",
      "--logs",
      path.join(ROOT, "data/sample/truefoundry-export.csv"),
      "--pricing-dir",
      path.join(ROOT, "pricing"),
      "--policies-dir",
      path.join(ROOT, "policies"),
      "--out",
      "a-file/data",
      "--no-progress",
    );
    expect(run.err).toBe(
      "error: cannot write to a-file/data: a part of the path is a file, not a folder (ENOTDIR)\n  hint: choose an output folder you can write to, or fix its permissions\n",
    );
    expect(run.code).toBe(1);

    const data = path.join(root, "data");
    expect((await runCli(ROOT, "run", "--logs", "data/sample/truefoundry-export.csv", "--out", data, "--no-progress")).code).toBe(0);
    const extract = await runCli(root, "extract", "--data", "data", "--group-by", "model", "--out", "a-file/x.csv");
    expect(extract.err).toBe(
      "error: cannot open a-file/x.csv: a part of the path is a file, not a folder (ENOTDIR)\n  hint: choose another path\n",
    );
    expect(extract.code).toBe(1);
    await writeFile(path.join(root, "site"), "");
    const site = await runCli(
      root,
      "site-data",
      "--data",
      "data",
      "--pricing-dir",
      path.join(ROOT, "pricing"),
      "--policies-dir",
      path.join(ROOT, "policies"),
      "--out",
      "site/.data",
      "--public-dir",
      "site/public",
    );
    expect(site.err).toMatch(
      /^error: cannot write to site\/[^:]*: a part of the path is a file, not a folder \(ENOTDIR\)\n {2}hint: choose another path\n$/,
    );
    expect(site.code).toBe(1);
  }, 60_000);
});
