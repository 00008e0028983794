import { readdir } from "node:fs/promises";
import path from "node:path";
import { sha256File } from "../../lib/hash.ts";
import type { LedgerEntry } from "../../schemas/ledger-entry.schema.ts";
import type { DataDays } from "./list-data-days.ts";

export interface DifferingDay {
  date: string;
  /** e.g. `priced/date=2026-06-01/part-00000.parquet: sha256 differs` */
  reason: string;
}

export interface LedgerComparison {
  /** Days the ledger holds as published (not dropped). */
  recorded: string[];
  /** Recorded days the data has neither rows nor a rollup of. */
  missing: LedgerEntry[];
  /** Recorded days whose files in the data are not the ones recorded. */
  differing: DifferingDay[];
  /** Recorded days the data holds with rows, and with a rollup only. */
  withRows: number;
  rollupOnly: number;
  /** Days marked dropped by an earlier run. */
  dropped: number;
}

/**
 * The data folder against the ledger: which published days it lacks, and which it holds with
 * other files than the ledger recorded (each priced Parquet file's sha256 for a day with rows;
 * the rollup's for a rollup-only day). Files are hashed streaming, one at a time.
 */
export async function compareDataWithLedger(data: string, entries: Map<string, LedgerEntry>, held: DataDays): Promise<LedgerComparison> {
  const result: LedgerComparison = { recorded: [], missing: [], differing: [], withRows: 0, rollupOnly: 0, dropped: 0 };
  for (const entry of [...entries.values()].sort((a, b) => a.date.localeCompare(b.date))) {
    if (entry.dropped_at !== undefined) {
      result.dropped++;
      continue;
    }
    result.recorded.push(entry.date);
    if (held.partitions.has(entry.date)) {
      result.withRows++;
      const reason = await differingFiles(data, entry);
      if (reason) result.differing.push({ date: entry.date, reason });
    } else if (held.rollups.has(entry.date)) {
      result.rollupOnly++;
      const file = `rollups/date=${entry.date}.json`;
      if ((await sha256File(path.join(data, file))) !== entry.rollup_sha256)
        result.differing.push({ date: entry.date, reason: `${file}: sha256 differs` });
    } else result.missing.push(entry);
  }
  return result;
}

/** What differs between the day's partition and the files the ledger recorded, or undefined. */
async function differingFiles(data: string, entry: LedgerEntry): Promise<string | undefined> {
  const folder = `priced/date=${entry.date}`;
  const present = (await readdir(path.join(data, folder), { withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => `${folder}/${e.name}`);
  const recorded = new Map(entry.priced_files.map((f) => [f.path, f.sha256]));
  const reasons: string[] = [];
  for (const file of present.sort()) {
    const sha = recorded.get(file);
    if (sha === undefined) reasons.push(`${file}: not recorded`);
    else if ((await sha256File(path.join(data, file))) !== sha) reasons.push(`${file}: sha256 differs`);
  }
  for (const file of recorded.keys()) if (!present.includes(file)) reasons.push(`${file}: missing`);
  return reasons.length > 0 ? reasons.join("; ") : undefined;
}
