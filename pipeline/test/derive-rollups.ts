/**
 * A stand-in for the day rollups `costs run` is to write (issue 12 part 1, written on main):
 * until it does, the ledger's tests derive `<out>/rollups/date=D.json` from a run's priced
 * partitions and manifest, with the fields of the contract (notes: rollup_version, date,
 * pricing_version, rows, cost_usd, list_cost_usd, unpriced_requests, priced_files) and no
 * aggregates. A rollup that exists is left as it is, so this does nothing once `costs run`
 * writes them.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { exists } from "../src/lib/exists.ts";
import { readPartitions } from "../src/dataset/read-partitions.ts";
import { datasetTotals } from "../src/stages/write/index.ts";

export async function deriveRollups(out: string): Promise<string[]> {
  const manifest = JSON.parse(await readFile(path.join(out, "manifest.json"), "utf8"));
  const written: string[] = [];
  await mkdir(path.join(out, "rollups"), { recursive: true });
  for (const date of manifest.dataset.days as string[]) {
    const file = path.join(out, "rollups", `date=${date}.json`);
    if (await exists(file)) continue;
    const totals = datasetTotals(await readPartitions(out, [date]));
    const rollup = {
      rollup_version: 1,
      date,
      pricing_version: manifest.pricing_version,
      rows: totals.rows,
      cost_usd: totals.cost_usd,
      list_cost_usd: totals.list_cost_usd,
      unpriced_requests: totals.unpriced_requests,
      priced_files: (manifest.outputs.priced as Array<{ path: string; rows: number; bytes: number; sha256: string }>)
        .filter((f) => f.path.startsWith(`priced/date=${date}/`))
        .map(({ path, rows, bytes, sha256 }) => ({ path, rows, bytes, sha256 })),
    };
    await writeFile(file, `${JSON.stringify(rollup, null, 2)}\n`);
    written.push(date);
  }
  return written;
}
