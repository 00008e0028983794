import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { expect } from "vitest";
import { parseNano } from "../src/pricing/money.ts";
import { readParquet } from "../src/parquet/read-parquet.ts";

/**
 * The invariants every run must keep, checked on its outputs as a reader would see them:
 * every row accounted for; priced rows, every extract (CSV and Parquet) and the FOCUS export
 * add up exactly to the manifest's dataset total. Returns the manifest.
 */
export async function checkOutputs(out: string) {
  const manifest = JSON.parse(await readFile(path.join(out, "manifest.json"), "utf8"));
  const c = manifest.counts;
  expect(c.priced + c.unpriced + c.rejected + c.duplicates + c.virtual_parents + c.out_of_window, "rows read").toBe(c.rows_read);
  expect(
    manifest.inputs.reduce((s: number, i: { rows: number }) => s + i.rows, 0),
    "rows per input",
  ).toBe(c.rows_read);

  const total = parseNano(manifest.dataset.cost_usd);
  let rows = 0;
  let priced = 0n;
  for (const day of await readdir(path.join(out, "priced"))) {
    for (const file of await readdir(path.join(out, "priced", day))) {
      const { rowCount, columns } = await readParquet(path.join(out, "priced", day, file), ["cost_usd", "date"]);
      rows += rowCount;
      for (const v of columns.cost_usd!) priced += (v as bigint | null) ?? 0n;
      expect(new Set(columns.date), `${day}`).toEqual(new Set([day.slice(5)]));
    }
  }
  expect(rows, "priced rows").toBe(manifest.dataset.rows);
  expect(priced, "priced rows' cost").toBe(total);

  for (const extract of manifest.outputs.extracts) {
    expect(parseNano(extract.cost_usd), extract.name).toBe(total);
    for (const file of extract.files) {
      let sum = 0n;
      if (file.format === "csv") {
        const records = parse(await readFile(path.join(out, file.path), "utf8"), { columns: true }) as Record<string, string>[];
        expect(records.length, file.path).toBe(file.rows);
        for (const record of records) sum += parseNano(record.cost_usd!);
      } else {
        const { columns } = await readParquet(path.join(out, file.path), ["cost_usd"]);
        for (const v of columns.cost_usd!) sum += v as bigint;
      }
      expect(sum, file.path).toBe(total);
    }
  }
  const { columns: focus } = await readParquet(path.join(out, "focus/focus.parquet"), ["BilledCost"]);
  expect(
    focus.BilledCost!.reduce((a, b) => (a as bigint) + (b as bigint), 0n),
    "FOCUS BilledCost",
  ).toBe(total);
  return manifest;
}
