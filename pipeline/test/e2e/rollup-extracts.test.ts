/**
 * The nightly's extracts come from the run's rollups (engine/rollup.ts → toExtractTable),
 * not from rows: held here equal, byte for byte, to `computeExtract` (Arquero over the
 * priced rows read back from Parquet) for every field an extract may group by, alone and
 * combined, with month, metadata keys (one absent from every row, one named like an
 * Object.prototype member), over a history where most days are kept from an earlier run.
 */
import { cp, readFile } from "node:fs/promises";
import path from "node:path";
import { parquetReadObjects } from "hyparquet";
import { beforeAll, describe, expect, it } from "vitest";
import { listPartitions, readPartitions, type Dataset } from "../../src/dataset/read-partitions.ts";
import { computeExtract } from "../../src/extracts/compute-extract.ts";
import { extractToCsv } from "../../src/extracts/extract-to-csv.ts";
import { GROUP_FIELDS } from "../../src/schemas/fields.ts";
import { runCli } from "../run-cli.ts";
import { writeTempTree } from "../temp-dir.ts";

const ROOT = path.resolve(import.meta.dirname, "../../..");

/** Every single field, pairs with month and date, metadata keys (present, absent, `constructor`), and a wide grain. */
const GROUPS: string[][] = [
  ...GROUP_FIELDS.map((f) => [f]),
  ...GROUP_FIELDS.filter((f) => f !== "month" && f !== "date").flatMap((f) => [
    ["month", f],
    ["date", f],
  ]),
  ["metadata.customer_id"],
  ["month", "metadata.application", "metadata.environment"],
  ["metadata.no_such_key"],
  ["metadata.constructor", "team"],
  [
    "date",
    "user",
    "virtual_account",
    "team",
    "model",
    "provider",
    "provider_account",
    "region",
    "price_source",
    "policy_status",
    "metadata.cost_center",
  ],
];
/** A decimal read back from Parquet (trailing zeros dropped) as nano-USD. */
const nano = (text: string): bigint => {
  const [whole, fraction = ""] = text.split(".");
  return BigInt(whole!) * 1_000_000_000n + BigInt(fraction.padEnd(9, "0")) * (text.startsWith("-") ? -1n : 1n);
};
const name = (group: string[]) => `g-${group.join("-").replace(/[^a-z0-9]+/g, "-")}`;

let dir: string;
let dataset: Dataset;

beforeAll(async () => {
  dir = await writeTempTree({
    "policies/extracts.yaml": `extracts:\n${GROUPS.map((g) => `  - name: ${name(g)}\n    group_by: [${g.map((f) => JSON.stringify(f)).join(", ")}]\n`).join("")}`,
  });
  for (const file of ["teams.yaml", "virtual-accounts.yaml", "metadata-validation.yaml"])
    await cp(path.join(ROOT, "policies", file), path.join(dir, "policies", file));
  const run = (...extra: string[]) =>
    runCli(
      ROOT,
      "run",
      "--logs",
      "data/sample",
      "--policies-dir",
      path.join(dir, "policies"),
      "--out",
      path.join(dir, "data"),
      "--no-progress",
      ...extra,
    );
  // The whole sample, then one day again: 29 days reach the second run's extracts as kept partitions.
  const first = await run();
  expect(first.err).toBe("");
  expect(first.code).toBe(0);
  const again = await run("--since", "2026-06-20", "--until", "2026-06-20");
  expect(again.err).toBe("");
  expect(again.code).toBe(0);
  dataset = await readPartitions(path.join(dir, "data"), await listPartitions(path.join(dir, "data")));
}, 60_000);

describe("extracts from rollups equal computeExtract over the priced rows", () => {
  it.each(GROUPS.map((g) => [g.join(", "), g]))("group by %s", async (_, group) => {
    const reference = computeExtract(dataset, group);
    const file = path.join(dir, "data", "extracts", name(group));
    expect(await readFile(`${file}.csv`, "utf8")).toBe(extractToCsv(reference));
    const parquet = await parquetReadObjects({ file: (await readFile(`${file}.parquet`)).buffer as ArrayBuffer });
    expect(parquet).toHaveLength(reference.rows.length);
    const cost = group.length + 5;
    expect(parquet.map((r) => nano(String(r.cost_usd)))).toEqual(reference.rows.map((r) => r[cost] as bigint));
    const manifest = JSON.parse(await readFile(path.join(dir, "data", "manifest.json"), "utf8"));
    expect(manifest.outputs.extracts.find((e: { name: string }) => e.name === name(group)).cost_usd).toBe(manifest.dataset.cost_usd);
  });

  it("the history is the sample's 30 days, most of them kept from the first run", async () => {
    const manifest = JSON.parse(await readFile(path.join(dir, "data", "manifest.json"), "utf8"));
    expect(manifest.dataset.days).toHaveLength(30);
    expect(manifest.outputs.priced).toHaveLength(1);
    expect(dataset.length).toBe(manifest.dataset.rows);
  });
});
