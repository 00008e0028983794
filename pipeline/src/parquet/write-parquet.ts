import { writeFile } from "node:fs/promises";
import { parquetWriteBuffer } from "hyparquet-writer";

/**
 * Column kinds of the project's Parquet files:
 * - `money`: nano-USD bigint → DECIMAL(18,9) on INT64 (a row's cost, up to 9.2 billion USD);
 * - `money_total`: nano-USD bigint → DECIMAL(38,9) on a 16-byte FIXED_LEN_BYTE_ARRAY (sums);
 * - `rate`: a rate as the bigint of its value × 10^RATE_SCALE → DECIMAL(38,24) on a 16-byte
 *   FIXED_LEN_BYTE_ARRAY (every rate of the upstream catalog is exact at 24 decimals);
 * - `quantity`: a quantity as the bigint of its value × 10^QUANTITY_SCALE → DECIMAL(38,18)
 *   on a 16-byte FIXED_LEN_BYTE_ARRAY (non-token quantities have at most 18 decimals);
 * - `timestamp`: epoch ms → TIMESTAMP(MILLIS, UTC).
 */
export type ColumnKind = "string" | "int64" | "int32" | "boolean" | "timestamp" | "money" | "money_total" | "rate" | "quantity" | "json";

/** Decimal places of the `rate` kind. */
export const RATE_SCALE = 24;
/** Decimal places of the `quantity` kind (MAX_QUANTITY_SCALE of lib/limits.ts). */
export const QUANTITY_SCALE = 18;

export interface Column {
  name: string;
  kind: ColumnKind;
  data: unknown[];
}

/** Writes columns to a Parquet file (snappy, one row group per 100,000 rows). */
export async function writeParquet(file: string, columns: Column[], metadata: Record<string, string> = {}): Promise<number> {
  const buffer = toParquetBuffer(columns, metadata);
  await writeFile(file, new Uint8Array(buffer));
  return buffer.byteLength;
}

export function toParquetBuffer(columns: Column[], metadata: Record<string, string> = {}): ArrayBuffer {
  const schema: Record<string, unknown>[] = [{ name: "root", num_children: columns.length }];
  for (const column of columns) schema.push({ name: column.name, repetition_type: "OPTIONAL", ...schemaOf(column.kind) });
  return parquetWriteBuffer({
    columnData: columns.map((column) => ({
      name: column.name,
      data: column.kind === "int64" ? column.data.map((v) => (v === null || v === undefined ? null : BigInt(v as number))) : column.data,
    })),
    // @ts-expect-error the schema elements are plain objects of the parquet thrift shape
    schema,
    rowGroupSize: 100_000,
    kvMetadata: Object.entries(metadata).map(([key, value]) => ({ key, value })),
    createdBy: "gateway-costs",
  });
}

export function schemaOf(kind: ColumnKind): Record<string, unknown> {
  switch (kind) {
    case "string":
      return { type: "BYTE_ARRAY", converted_type: "UTF8" };
    case "json":
      return { type: "BYTE_ARRAY", converted_type: "UTF8" };
    case "int64":
      return { type: "INT64" };
    case "int32":
      return { type: "INT32" };
    case "boolean":
      return { type: "BOOLEAN" };
    case "timestamp":
      return {
        type: "INT64",
        converted_type: "TIMESTAMP_MILLIS",
        logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MILLIS" },
      };
    case "money":
      return {
        type: "INT64",
        converted_type: "DECIMAL",
        scale: 9,
        precision: 18,
        logical_type: { type: "DECIMAL", scale: 9, precision: 18 },
      };
    case "money_total":
      return {
        type: "FIXED_LEN_BYTE_ARRAY",
        type_length: 16,
        converted_type: "DECIMAL",
        scale: 9,
        precision: 38,
        logical_type: { type: "DECIMAL", scale: 9, precision: 38 },
      };
    case "rate":
      return {
        type: "FIXED_LEN_BYTE_ARRAY",
        type_length: 16,
        converted_type: "DECIMAL",
        scale: RATE_SCALE,
        precision: 38,
        logical_type: { type: "DECIMAL", scale: RATE_SCALE, precision: 38 },
      };
    case "quantity":
      return {
        type: "FIXED_LEN_BYTE_ARRAY",
        type_length: 16,
        converted_type: "DECIMAL",
        scale: QUANTITY_SCALE,
        precision: 38,
        logical_type: { type: "DECIMAL", scale: QUANTITY_SCALE, precision: 38 },
      };
  }
}
