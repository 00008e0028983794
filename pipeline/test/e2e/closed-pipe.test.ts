/**
 * A reader that stops early (`costs … | head -1`) is not an error: the command finishes
 * quietly with its own exit status, no stack trace, no "internal error". Real child
 * processes whose stdout is closed before the first write, or by `head` after its first read.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli.ts";
import { runCli } from "../run-cli.ts";
import { writeTempTree } from "../temp-dir.ts";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const BIN = path.join(ROOT, "pipeline/bin/costs.js");

/** Runs `costs …` with its stdout closed before it writes anything: stderr and the exit code. */
function runWithStdoutClosed(...argv: string[]): Promise<{ code: number | null; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...argv], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.destroy(); // long before the child has started
    let err = "";
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, err }));
  });
}

describe("stdout closed early", () => {
  it("costs --help | head -1", async () => {
    expect(await runWithStdoutClosed("--help")).toEqual({ code: 0, err: "" });
  });

  it("costs export-rates --out X | head -1: the files are still written", async () => {
    const out = path.join(await writeTempTree({}), "rates");
    expect(await runWithStdoutClosed("export-rates", "--out", out)).toEqual({ code: 0, err: "" });
    for (const file of ["rates.parquet", "price_logs.sql", "README.md"]) expect(existsSync(path.join(out, file)), file).toBe(true);
  });

  it("costs extract … | head -c 100, on a real pipe closed after its first read, mid-way through a CSV larger than the pipe holds", async () => {
    const data = path.join(await writeTempTree({}), "data");
    expect(await main(["run", "--logs", "data/sample", "--out", data, "--no-progress"], { out: () => {}, err: () => {}, cwd: ROOT })).toBe(
      0,
    );
    const args = ["extract", "--data", data, "--group-by", "date,user,model"];
    const whole = await runCli(ROOT, ...args);
    expect(whole.out.length).toBeGreaterThan(2 * 65_536); // twice a Linux pipe buffer: costs is still writing when head exits

    // A shell pipeline, as people type it (Node's own child pipes are socket pairs with larger buffers).
    const script = '"$@" | head -c 100 > /dev/null; exit "${PIPESTATUS[0]}"';
    const result = await new Promise<{ code: number | null; err: string }>((resolve, reject) => {
      const child = spawn("bash", ["-c", script, "bash", process.execPath, BIN, ...args], {
        cwd: ROOT,
        stdio: ["ignore", "ignore", "pipe"],
      });
      let err = "";
      child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString("utf8")));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, err }));
    });
    // stderr has the command's own summary line and nothing else.
    expect(result).toEqual({ code: 0, err: whole.err });
  });
});
