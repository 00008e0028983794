import { mkdir } from "node:fs/promises";
import path from "node:path";
import { simpleGit } from "simple-git";
import { describe, expect, it } from "vitest";
import { writeTempTree } from "../../../test/temp-dir.ts";
import { PipelineError } from "../../lib/errors.ts";
import { pushLedger } from "./push-ledger.ts";

const IDENTITY = ["user.name=Test", "user.email=test@example.com"];

describe("pushLedger", () => {
  it("pushes a fast-forward and moves the remote-tracking ref; refuses one that is not, naming it, and leaves the remote as it was", async () => {
    const work = await writeTempTree({});
    const origin = path.join(work, "origin.git");
    await mkdir(origin);
    await simpleGit({ baseDir: origin }).init(true);
    const clone = path.join(work, "clone");
    await simpleGit({ baseDir: work }).clone(origin, clone);
    const git = simpleGit({ baseDir: clone, config: IDENTITY });
    const tree = (await git.raw(["write-tree"])).trim(); // the empty index: the empty tree
    const first = (await git.raw(["commit-tree", tree, "-m", "first"])).trim();
    const second = (await git.raw(["commit-tree", tree, "-p", first, "-m", "second"])).trim();
    const other = (await git.raw(["commit-tree", tree, "-p", first, "-m", "other"])).trim();

    await pushLedger(git, "origin", "costs-ledger", first, []);
    await pushLedger(git, "origin", "costs-ledger", second, []);
    expect((await simpleGit({ baseDir: origin }).revparse(["costs-ledger"])).trim()).toBe(second);
    expect((await git.revparse(["origin/costs-ledger"])).trim()).toBe(second);

    // Another runner pushed `second` meanwhile; this one built `other` on `first`.
    const refused = await pushLedger(git, "origin", "costs-ledger", other, []).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PipelineError);
    expect((refused as PipelineError).problems[0]).toMatchObject({
      message:
        "cannot push costs-ledger to origin: the remote's costs-ledger has commits this record does not include (not a fast-forward)",
      hint: expect.stringContaining("never force-push the ledger"),
    });
    expect((await simpleGit({ baseDir: origin }).revparse(["costs-ledger"])).trim()).toBe(second);
  });
});
