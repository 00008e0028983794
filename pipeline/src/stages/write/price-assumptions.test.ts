import { describe, expect, it } from "vitest";
import { PRICE_FIELDS } from "../../schemas/price-fields.ts";
import type { FileDependence } from "../../engine/tally-price-dependence.ts";
import type { FileStats } from "../ingest/index.ts";
import { missingPriceColumns, priceAssumptions } from "./price-assumptions.ts";

const stats = (supplied: FileStats["supplied_price_fields"]): FileStats => ({
  file: "a.csv",
  format: "csv",
  gzip: false,
  preset: "truefoundry",
  rows: 12,
  rejects: 0,
  ignored_columns: [],
  supplied_price_fields: supplied,
});

/** 10 kept rows; `affected` rows (with cost) per field. */
function tally(affected: Partial<Record<string, [number, bigint]>>): FileDependence {
  return {
    rows: 10,
    fields: PRICE_FIELDS.map(({ field }) => {
      const [rows, cost] = affected[field] ?? [0, 0n];
      return { rows, cost, samples: Array.from({ length: Math.min(rows, 5) }, (_, i) => ({ line: i + 2, request_id: `r${i}` })) };
    }),
  };
}

describe("missingPriceColumns", () => {
  it("lists the core fields whenever missing, the others only when some row's price depends on them", () => {
    const missing = missingPriceColumns(
      stats(["cache_write_tokens", "batch"]),
      tally({ cache_read_tokens: [2, 14_200_000n], input_images: [1, 2_000_000n] }),
    );
    expect(missing.map((m) => [m.field, m.rows, m.rows_affected, m.cost_affected_usd])).toEqual([
      ["cache_read_tokens", 10, 2, "0.014200000"],
      ["region", 10, 0, "0.000000000"],
      ["service_tier", 10, 0, "0.000000000"],
      ["input_images", 10, 1, "0.002000000"],
    ]);
    expect(missing[0]).toMatchObject({
      assumption: "no cache reads (0)",
      depends_on: "a cache-read rate",
      first_request_ids: ["r0", "r1"],
    });
  });

  it("lists nothing for a file whose fields were not tracked (a priced partition restated) or of which no row was kept", () => {
    expect(missingPriceColumns(stats(undefined), tally({}))).toEqual([]);
    expect(missingPriceColumns(stats([]), undefined)).toEqual([]);
    expect(missingPriceColumns(stats([]), { ...tally({}), rows: 0 })).toEqual([]);
  });
});

describe("priceAssumptions", () => {
  it("adds each field up over the files without it, exactly", () => {
    const a = missingPriceColumns(stats([]), tally({ cache_read_tokens: [2, 1n] }));
    const b = missingPriceColumns(stats(["region"]), tally({ cache_read_tokens: [3, 999_999_999n] }));
    const summed = priceAssumptions([
      { file: "a.csv", missing_price_columns: a },
      { file: "b.csv", missing_price_columns: b },
    ]);
    expect(summed.find((s) => s.field === "cache_read_tokens")).toEqual({
      field: "cache_read_tokens",
      assumption: "no cache reads (0)",
      depends_on: "a cache-read rate",
      files: ["a.csv", "b.csv"],
      rows: 20,
      rows_affected: 5,
      cost_affected_usd: "1.000000000",
    });
    expect(summed.find((s) => s.field === "region")!.files).toEqual(["a.csv"]);
  });
});
