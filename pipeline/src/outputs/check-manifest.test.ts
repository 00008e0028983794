import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { writeTempTree } from "../../test/temp-dir.ts";
import { sha256Text } from "../lib/hash.ts";
import { checkManifest } from "./check-manifest.ts";

const FILES: Record<string, string> = {
  "priced/date=2026-06-16/part-00000.parquet": "day 16",
  "priced/date=2026-06-17/part-00000.parquet": "day 17, kept from an earlier run",
  "rejects.csv": "file,line,reason,raw\n",
  "extracts/cost-by-user.csv": "user,cost_usd\n",
  "focus/focus.csv": "BilledCost\n",
};
const listed = (p: string) => ({ path: p, format: "csv", rows: 0, bytes: Buffer.byteLength(FILES[p]!), sha256: sha256Text(FILES[p]!) });
const MANIFEST = {
  dataset: { days: ["2026-06-16", "2026-06-17"] },
  outputs: {
    priced: [listed("priced/date=2026-06-16/part-00000.parquet")],
    rejects: listed("rejects.csv"),
    extracts: [{ name: "cost-by-user", files: [listed("extracts/cost-by-user.csv")] }],
    focus: { files: [listed("focus/focus.csv")] },
  },
};

async function outputs(manifest: unknown = MANIFEST): Promise<string> {
  return writeTempTree({ ...FILES, "manifest.json": JSON.stringify(manifest) });
}

/** The lines of the error checkManifest throws, the folder shown as OUT. */
async function problems(out: string): Promise<string[]> {
  const error = await checkManifest(out, "OUT").then(
    () => undefined,
    (e: Error) => e,
  );
  return error ? error.message.replaceAll(out, "OUT").split("\n") : [];
}

describe("checkManifest", () => {
  it("passes when the manifest describes the files present, and when there is no manifest", async () => {
    expect(await problems(await outputs())).toEqual([]);
    expect(await problems(await writeTempTree({ "priced/date=2026-06-16/part-00000.parquet": "x" }))).toEqual([]);
  });

  it("names a listed file that is missing, has another size or other bytes", async () => {
    const out = await outputs();
    await rm(path.join(out, "extracts/cost-by-user.csv"));
    await writeFile(path.join(out, "rejects.csv"), "file,line,reason,raw\nx,1,bad,{}\n");
    await writeFile(path.join(out, "focus/focus.csv"), "BilledCosT\n");
    expect(await problems(out)).toEqual([
      "OUT/manifest.json does not describe the files present (3 problems)",
      "  hint: the folder was changed by something other than `costs run`: run `costs run` again over the logs of the days you need",
      "OUT/rejects.csv: has 32 bytes, manifest.json lists 21",
      "OUT/extracts/cost-by-user.csv: missing (manifest.json lists it with 14 bytes)",
      "OUT/focus/focus.csv: its sha256 differs from the one manifest.json lists",
    ]);
  });

  it("names a day that vanished and a partition the manifest does not know (new partitions beside an old manifest)", async () => {
    const out = await outputs();
    await rm(path.join(out, "priced/date=2026-06-17"), { recursive: true });
    await mkdir(path.join(out, "priced/date=2026-06-18"));
    await writeFile(path.join(out, "priced/date=2026-06-18/part-00000.parquet"), "day 18");
    expect((await problems(out)).slice(2)).toEqual([
      "OUT/priced/date=2026-06-17: missing: manifest.json's dataset has day 2026-06-17",
      "OUT/priced/date=2026-06-18: is not a day of manifest.json's dataset",
    ]);
  });

  it("checks restatements.json when the manifest lists it (a restatement appended to it after the manifest was written)", async () => {
    const entries = '[{"date":"2026-06-16"}]\n';
    const file = { path: "restatements.json", format: "json", rows: 1, bytes: Buffer.byteLength(entries), sha256: sha256Text(entries) };
    const out = await writeTempTree({
      ...FILES,
      "restatements.json": entries,
      "manifest.json": JSON.stringify({ ...MANIFEST, outputs: { ...MANIFEST.outputs, restatements: file } }),
    });
    expect(await problems(out)).toEqual([]);
    await writeFile(path.join(out, "restatements.json"), '[{"date":"2026-06-16"},{"date":"2026-06-17"}]\n');
    expect((await problems(out)).slice(2)).toEqual(["OUT/restatements.json: has 46 bytes, manifest.json lists 24"]);
  });

  it("refuses a manifest that lists a file outside the folder", async () => {
    const out = await outputs({
      ...MANIFEST,
      outputs: { ...MANIFEST.outputs, rejects: { ...listed("rejects.csv"), path: "../../etc/passwd" } },
    });
    expect(await problems(out)).toEqual([
      "OUT/manifest.json outputs.rejects.path: must be a relative path inside the output folder",
      "  hint: it was not written by this version of costs: run `costs run` again",
    ]);
  });
});
