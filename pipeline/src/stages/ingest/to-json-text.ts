/** JSON text of a value read from an input file; BigInt (Parquet INT64) becomes a decimal string. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value, replaceBigInt) ?? "null";
}

function replaceBigInt(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}
