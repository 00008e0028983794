/**
 * The site's copy of a nightly extract when user names are pseudonymised (its rows grouped
 * by `user` or a metadata key): recomputed from the pseudonymised rows by the code that
 * wrote the original (`computeExtract`, `extractToCsv`, `writeParquet` with the pricing
 * version), in each format the run wrote. Same columns, formula neutralising and total;
 * rows sorted by the pseudonyms. The original under the pipeline's output stays as it is.
 */
import { writeFile } from "node:fs/promises";
import type { Dataset } from "../dataset/read-partitions.ts";
import { computeExtract } from "../extracts/compute-extract.ts";
import { extractToColumns } from "../extracts/extract-to-columns.ts";
import { extractToCsv } from "../extracts/extract-to-csv.ts";
import type { ExtractOutput } from "../stages/write/index.ts";
import { writeParquet } from "../parquet/write-parquet.ts";

/** Whether an extract's copy holds values that pseudonymising changes. */
export function holdsUserValues(groupBy: readonly string[]): boolean {
  return groupBy.some((field) => field === "user" || field.startsWith("metadata."));
}

/** Writes each file of `extract` at `target(file.path)`; returns the number of rows. */
export async function rewriteExtract(
  dataset: Dataset,
  extract: ExtractOutput,
  target: (relative: string) => string,
  pricingVersion: string,
  bom = false,
): Promise<number> {
  const table = computeExtract(dataset, extract.group_by);
  for (const file of extract.files) {
    if (file.format === "csv") await writeFile(target(file.path), extractToCsv(table, bom));
    else if (file.format === "parquet") await writeParquet(target(file.path), extractToColumns(table), { pricing_version: pricingVersion });
    else throw new Error(`extract ${extract.name}: no writer for ${file.format}`);
  }
  return table.rows.length;
}
