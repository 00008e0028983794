import fc from "fast-check";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_MODELS, PRICING_FIXTURE } from "../../../test/pricing-fixture.ts";
import { writeTempTree } from "../../../test/temp-dir.ts";
import { loadPricingOrThrow, type PricingBook } from "../../pricing/load-pricing.ts";
import { rowArb } from "../../../test/log-row-arbitrary.ts";
import { createRowPricer, priceRow } from "./index.ts";

const MODELS = [...FIXTURE_MODELS, "acme-main/not-declared", "nobody/model"];

/** The run's memoized, compiled pricer must give exactly what the explaining engine gives, row by row. */
function checkAgainstPriceRow(book: () => PricingBook, base: () => string, models: () => string[]) {
  it("equals priceRow on every row (cost, components, list cost, tier, mode, source, ref, reason)", () => {
    const fast = createRowPricer(book(), base());
    fc.assert(
      fc.property(fc.array(rowArb(models()), { minLength: 1, maxLength: 40 }), (rows) => {
        for (const row of rows) expect(fast(row)).toEqual(priceRow(book(), row, base()));
      }),
      { numRuns: 300 },
    );
  });
}

describe("createRowPricer on the hand-made fixture (tiers, batch, priority, private periods, regions)", () => {
  let book: PricingBook;
  let dir: string;
  beforeAll(async () => {
    dir = await writeTempTree(PRICING_FIXTURE);
    book = await loadPricingOrThrow(dir);
  });
  checkAgainstPriceRow(
    () => book,
    () => path.dirname(dir),
    () => MODELS,
  );
});

describe("createRowPricer on the project's pricing/", () => {
  let book: PricingBook;
  const dir = path.resolve(import.meta.dirname, "../../../../pricing");
  let models: string[] = [];
  beforeAll(async () => {
    book = await loadPricingOrThrow(dir);
    models = [...book.accounts.values()].flatMap((a) => [...a.models.keys()].map((m) => `${a.name}/${m}`));
  });
  checkAgainstPriceRow(
    () => book,
    () => path.dirname(dir),
    () => models,
  );
});
