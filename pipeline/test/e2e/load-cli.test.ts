/**
 * pipeline/bin/costs.js runs a bundle of the sources cached under pipeline/.cache/ and
 * named by their hash (load-cli.js). On a copy of the project: the bundle prices exactly
 * as the sources run through tsx (worker threads included), an edited source gets a new
 * bundle at once, and processes started together share one bundle safely.
 */
import { execFile } from "node:child_process";
import { cp, readdir, readFile, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { writeTempTree } from "../temp-dir.ts";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const run = promisify(execFile);

/** A copy of the project's command line and inputs (node_modules linked) in a temp folder. */
async function copyProject(): Promise<string> {
  const dir = await writeTempTree({});
  for (const part of ["package.json", "pipeline/bin", "pipeline/src", "pricing", "policies", "data/sample"]) {
    await cp(path.join(ROOT, part), path.join(dir, part), { recursive: true, filter: (from) => !from.includes(`${path.sep}.cache`) });
  }
  await symlink(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  return dir;
}

async function costs(dir: string, args: string[], env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [path.join(dir, "pipeline/bin/costs.js"), ...args], {
    cwd: dir,
    env: { ...process.env, ...env },
    maxBuffer: 1 << 24,
  });
}

async function bundles(dir: string): Promise<string[]> {
  return (await readdir(path.join(dir, "pipeline/.cache")).catch(() => [])).sort();
}

async function csvFiles(out: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(out, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith(".csv")) {
      const file = path.join(entry.parentPath, entry.name);
      files[path.relative(out, file)] = await readFile(file, "utf8");
    }
  }
  return files;
}

describe("the cached bundle of the command line", () => {
  it("prices like the sources under tsx, is rebuilt when a source changes, and is shared by concurrent runs", async () => {
    const dir = await copyProject();
    const args = (out: string) => ["run", "--logs", "data/sample", "--out", out, "--no-progress", "--threads", "2"];

    // Two processes start together on a fresh copy: both succeed, one bundle is left, no temporary folder.
    const [first, second] = await Promise.all([costs(dir, args("out-a")), costs(dir, args("out-b"))]);
    expect(first.stdout).toContain("4,300 rows read from 2 files");
    expect(second.stdout).toContain("4,300 rows read from 2 files");
    const built = await bundles(dir);
    expect(built).toHaveLength(1);
    expect(built[0]).toMatch(/^cli-[0-9a-f]{16}$/);

    const viaTsx = await costs(dir, args("out-tsx"), { COSTS_TSX: "1" });
    expect(viaTsx.stdout).toContain("4,300 rows read from 2 files");
    expect(await bundles(dir)).toEqual(built);
    const bundled = await csvFiles(path.join(dir, "out-a"));
    expect(Object.keys(bundled).length).toBeGreaterThanOrEqual(5);
    expect(bundled).toEqual(await csvFiles(path.join(dir, "out-tsx")));
    expect(await csvFiles(path.join(dir, "out-b"))).toEqual(bundled);

    // An edited source is run as edited: a new bundle, and the old one is not used.
    const cli = path.join(dir, "pipeline/src/cli.ts");
    const source = await readFile(cli, "utf8");
    const description = "Exact, explainable cost reports";
    expect(source).toContain(description);
    await writeFile(cli, source.replace(description, "Edited description of the cost reports"));
    const help = await costs(dir, ["--help"]);
    expect(help.stdout).toContain("Edited description of the cost reports");
    const after = await bundles(dir);
    expect(after).toHaveLength(2);
    expect(after).toContain(built[0]);
  });
});
