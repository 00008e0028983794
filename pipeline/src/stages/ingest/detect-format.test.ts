import { describe, expect, it } from "vitest";
import { detectFormat } from "./detect-format.ts";

describe("detectFormat", () => {
  it.each([
    ["logs/a.jsonl", { format: "jsonl", gzip: false }],
    ["a.ndjson", { format: "jsonl", gzip: false }],
    ["a.json", { format: "jsonl", gzip: false }],
    ["a.JSONL.GZ", { format: "jsonl", gzip: true }],
    ["export.2026-03.csv", { format: "csv", gzip: false }],
    ["a.csv.gz", { format: "csv", gzip: true }],
    ["a.parquet", { format: "parquet", gzip: false }],
    ["a.parquet.gz", { format: "parquet", gzip: true }],
  ])("%s → %o", (file, expected) => {
    expect(detectFormat(file)).toEqual(expected);
  });

  it.each(["a.txt", "a.gz", "a.csv.zip", "README", "a.jsonl.bz2", "csv"])("%s is not a log file", (file) => {
    expect(detectFormat(file)).toBeUndefined();
  });
});
