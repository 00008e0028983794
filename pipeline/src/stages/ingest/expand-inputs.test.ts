import path from "node:path";
import { describe, expect, it } from "vitest";
import { PipelineError } from "../../lib/errors.ts";
import { writeInputs } from "./__fixtures__/inputs.ts";
import { expandInputs } from "./expand-inputs.ts";

const TREE = {
  "logs/2026-03-02.jsonl": "{}\n",
  "logs/2026-03-01.csv.gz": "x",
  "logs/deep/er/b.parquet": "x",
  "logs/deep/a.ndjson": "{}\n",
  "logs/README.md": "not a log",
  "logs/.hidden/c.jsonl": "{}\n",
  "logs/notes.txt": "x",
  "other/z.json": "{}\n",
  "other/y.csv": "a\n",
  "empty/readme.txt": "x",
};

async function errorOf(promise: Promise<unknown>): Promise<PipelineError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PipelineError) return error;
    throw error;
  }
  throw new Error("expected a PipelineError");
}

describe("expandInputs", () => {
  it("walks a directory recursively, keeping log files only (no dot folders), as sorted absolute paths", async () => {
    const dir = await writeInputs(TREE);
    expect(await expandInputs(["logs"], dir)).toEqual(
      ["logs/2026-03-01.csv.gz", "logs/2026-03-02.jsonl", "logs/deep/a.ndjson", "logs/deep/er/b.parquet"].map((f) => path.join(dir, f)),
    );
  });

  it("takes files as given, expands globs, removes duplicates and sorts whatever the pattern order", async () => {
    const dir = await writeInputs(TREE);
    const patterns = ["other/*", "logs/2026-03-02.jsonl", "logs/**/*.jsonl", path.join(dir, "other/z.json")];
    const expected = ["logs/2026-03-02.jsonl", "other/y.csv", "other/z.json"].map((f) => path.join(dir, f));
    expect(await expandInputs(patterns, dir)).toEqual(expected);
    expect(await expandInputs([...patterns].reverse(), dir)).toEqual(expected);
  });

  it("keeps only log files from a glob", async () => {
    const dir = await writeInputs(TREE);
    expect(await expandInputs(["logs/*"], dir)).toEqual([
      path.join(dir, "logs/2026-03-01.csv.gz"),
      path.join(dir, "logs/2026-03-02.jsonl"),
    ]);
  });

  it("names a pattern that matches nothing, with a hint", async () => {
    const dir = await writeInputs(TREE);
    const error = await errorOf(expandInputs(["logs/*.parquet"], dir));
    expect(error.message).toMatch(/^input pattern `logs\/\*\.parquet` matches no log files\n {2}hint: check the pattern/);
  });

  it("names a missing file, an explicit unsupported file and a directory without logs", async () => {
    const dir = await writeInputs(TREE);
    expect((await errorOf(expandInputs(["logs/missing.jsonl"], dir))).problems[0]).toMatchObject({
      file: "logs/missing.jsonl",
      message: "no such file or directory",
    });
    expect((await errorOf(expandInputs(["logs/notes.txt"], dir))).problems[0]).toMatchObject({
      file: "logs/notes.txt",
      message: "unsupported input file type",
      hint: expect.stringContaining(".jsonl, .ndjson, .json, .csv, .parquet"),
    });
    expect((await errorOf(expandInputs(["empty"], dir))).problems[0]).toMatchObject({
      file: "empty",
      message: "directory holds no log files",
    });
    expect((await errorOf(expandInputs([], dir))).message).toMatch(/^no input logs given/);
  });
});
