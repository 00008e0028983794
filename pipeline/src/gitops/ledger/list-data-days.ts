import { readdir } from "node:fs/promises";
import path from "node:path";
import { listPartitions } from "../../dataset/read-partitions.ts";
import { isSystemError } from "../../lib/system-error.ts";

/** The days a data folder holds: with rows (`priced/date=D/`) and with a rollup (`rollups/date=D.json`). */
export interface DataDays {
  partitions: Set<string>;
  rollups: Set<string>;
}

export async function listDataDays(data: string): Promise<DataDays> {
  let names: string[] = [];
  try {
    names = await readdir(path.join(data, "rollups"));
  } catch (error) {
    if (!(isSystemError(error) && (error.code === "ENOENT" || error.code === "ENOTDIR"))) throw error;
  }
  const rollups = new Set(names.map((n) => /^date=(\d{4}-\d{2}-\d{2})\.json$/.exec(n)?.[1]).filter((d): d is string => d !== undefined));
  return { partitions: new Set(await listPartitions(data)), rollups };
}
