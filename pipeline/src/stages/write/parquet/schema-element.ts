import type { ColumnKind } from "../to-parquet.ts";
import type { SchemaElement } from "./footer-types.ts";

/**
 * The Parquet schema element of a column of `kind`: the same physical and logical types as
 * `writeParquet` (to-parquet.ts) writes, so files of either writer read back alike. A test
 * (parquet-file-writer.test.ts) compares both footers, since the encoders here depend on
 * these physical types and must not drift from the other writer's.
 */
export function schemaElement(name: string, kind: ColumnKind): SchemaElement {
  const base = { name, repetition_type: "OPTIONAL" } as const;
  switch (kind) {
    case "string":
    case "json":
      return { ...base, type: "BYTE_ARRAY", converted_type: "UTF8" };
    case "int64":
      return { ...base, type: "INT64" };
    case "int32":
      return { ...base, type: "INT32" };
    case "boolean":
      return { ...base, type: "BOOLEAN" };
    case "timestamp":
      return {
        ...base,
        type: "INT64",
        converted_type: "TIMESTAMP_MILLIS",
        logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MILLIS" },
      };
    case "money":
      return { ...base, type: "INT64", converted_type: "DECIMAL", scale: 9, precision: 18, logical_type: { type: "DECIMAL", scale: 9, precision: 18 } };
    case "money_total":
      return {
        ...base,
        type: "FIXED_LEN_BYTE_ARRAY",
        type_length: 16,
        converted_type: "DECIMAL",
        scale: 9,
        precision: 38,
        logical_type: { type: "DECIMAL", scale: 9, precision: 38 },
      };
    default:
      throw new Error(`column ${name}: kind ${kind} is not supported by ParquetFileWriter; write it with writeParquet (to-parquet.ts)`);
  }
}
