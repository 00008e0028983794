import { listPartitions } from "../../dataset/read-partitions.ts";
import { listRollupDays } from "../../history/day-rollup.ts";

/** The days a data folder holds: with rows (`priced/date=D/`) and with a rollup (`rollups/date=D.json`). */
export interface DataDays {
  partitions: Set<string>;
  rollups: Set<string>;
}

export async function listDataDays(data: string): Promise<DataDays> {
  return { partitions: new Set(await listPartitions(data)), rollups: new Set(await listRollupDays(data)) };
}
