import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { writeTempTree } from "../../test/temp-dir.ts";
import { systemErrorProblem } from "./system-error.ts";

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );

describe("systemErrorProblem", () => {
  it("turns a file-system error a person can cause into one line naming the path (relative to cwd) and a hint", async () => {
    const root = await writeTempTree({ "a-file": "" });
    expect(systemErrorProblem(await failure(mkdir(path.join(root, "a-file/data"))), root)).toEqual({
      message: "cannot write to a-file/data: a part of the path is a file, not a folder (ENOTDIR)",
      hint: "choose another path",
    });
    expect(systemErrorProblem(await failure(writeFile(path.join(root, "missing/x.csv"), "")), root)).toEqual({
      message: "cannot open missing/x.csv: no such file or folder (ENOENT)",
      hint: "check the path",
    });
    expect(systemErrorProblem(await failure(rename(path.join(root, "nothing"), path.join(root, "b"))), root)?.message).toBe(
      "cannot move nothing to b: no such file or folder (ENOENT)",
    );
  });

  it("leaves other errors (defects) alone", () => {
    expect(systemErrorProblem(new TypeError("x is undefined"), "/")).toBeUndefined();
    expect(systemErrorProblem(Object.assign(new Error("odd"), { code: "ERR_INVALID_ARG_TYPE" }), "/")).toBeUndefined();
    expect(systemErrorProblem(Object.assign(new Error("io"), { code: "EIO", syscall: "read" }), "/")).toBeUndefined();
  });
});
