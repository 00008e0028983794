import { schemaOf, type ColumnKind } from "./write-parquet.ts";
import type { SchemaElement } from "./footer-types.ts";

/** The kinds whose values the encoders here write (the physical types they assume). */
const SUPPORTED = new Set<ColumnKind>(["string", "json", "int64", "int32", "boolean", "timestamp", "money", "money_total"]);

/**
 * The Parquet schema element of a column of `kind`: `writeParquet`'s own (write-parquet.ts),
 * so files of either writer read back alike; file-writer.test.ts compares both footers.
 */
export function schemaElement(name: string, kind: ColumnKind): SchemaElement {
  if (!SUPPORTED.has(kind)) {
    throw new Error(`column ${name}: kind ${kind} is not supported by ParquetFileWriter; write it with writeParquet (write-parquet.ts)`);
  }
  return { name, repetition_type: "OPTIONAL", ...schemaOf(kind) } as SchemaElement;
}
