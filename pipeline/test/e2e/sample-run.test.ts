/** `costs run` on the committed sample (what `npm start` does), into a temp folder. */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { checkOutputs } from "../check-outputs.ts";
import { runCli } from "../run-cli.ts";
import { writeTempTree } from "../temp-dir.ts";

const ROOT = path.resolve(import.meta.dirname, "../..", "..");
let out: string;

const costs = (...argv: string[]) => runCli(ROOT, ...argv);

beforeAll(async () => {
  out = path.join(await writeTempTree({}), "data");
});

describe("costs run on data/sample", () => {
  it("prices the sample with the repository's pricing and policies, every row accounted for", async () => {
    const { code, out: stdout, err: stderr } = await costs("run", "--logs", "data/sample", "--out", out, "--no-progress");
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toMatch(/\(every row accounted for\)/);
    const manifest = await checkOutputs(out);
    // The sample's documented edge cases (data/sample/README.md) as the pipeline counts them.
    expect(manifest.counts).toMatchObject({ rejected: 0, out_of_window: 0 });
    expect(manifest.counts.unpriced).toBeGreaterThan(20);
    expect(manifest.counts.duplicates).toBeGreaterThan(20);
    expect(manifest.counts.virtual_parents).toBeGreaterThan(50);
    expect(manifest.run.by_price_source.private.requests).toBeGreaterThan(100);
    expect(manifest.run.by_policy_status.rejected_by_policy.requests).toBeGreaterThan(0);
    expect(manifest.run.by_policy_status.warning.requests).toBeGreaterThan(0);
    expect(manifest.run.metadata_overrides.rows).toBeGreaterThan(0);
    expect(manifest.dataset.days).toHaveLength(30);
    expect(manifest.inputs.map((i: { file: string; preset: string }) => [i.file, i.preset])).toEqual([
      ["data/sample/gateway-logs.jsonl.gz", "canonical"],
      ["data/sample/truefoundry-export.csv", "truefoundry"],
    ]);
    // Outputs do not depend on where the repository is checked out.
    const priced = await readdir(path.join(out, "priced"));
    expect(priced).toHaveLength(30);
    expect(await readFile(path.join(out, "manifest.json"), "utf8")).not.toContain(ROOT);
  });

  it("a second run gives byte-identical CSV and the same manifest apart from run time", async () => {
    const snapshot = async () => {
      const files = ["rejects.csv", "focus/focus.csv", ...(await readdir(path.join(out, "extracts"))).map((f) => `extracts/${f}`)];
      // Each file's sha256 (byte-identical means the same digest; deep-comparing megabytes of Buffers is slow).
      const contents = Object.fromEntries(
        await Promise.all(
          files.map(async (f) => [
            f,
            createHash("sha256")
              .update(await readFile(path.join(out, f)))
              .digest("hex"),
          ]),
        ),
      );
      const manifest = JSON.parse(await readFile(path.join(out, "manifest.json"), "utf8"));
      delete manifest.generated_at;
      delete manifest.duration_ms;
      return { contents, manifest };
    };
    const first = await snapshot();
    expect((await costs("run", "--logs", "data/sample", "--out", out, "--no-progress")).code).toBe(0);
    expect(await snapshot()).toEqual(first);
  });
});
