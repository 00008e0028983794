import path from "node:path";
import { describe, expect, it } from "vitest";
import { PRICING_FIXTURE } from "../../test/pricing-fixture.ts";
import { writeTempTree } from "../../test/temp-dir.ts";
import { loadPricingOrThrow, type PricingBook } from "../pricing/load-pricing.ts";
import { diffPricing } from "./diff-pricing.ts";
import { isAffected, privatePriceChanges, restatementWindow, type Interval } from "./restatement-window.ts";

const CONTRACT = PRICING_FIXTURE["private/contract.yaml"]!;
const AMENDMENT_3 = `  - model: priv/ft
    effective_from: 2026-07-01
    costs: {input_cost_per_token: 0.0000018, output_cost_per_token: 0.0000072}
    source: "MSA 2026, amendment 3"
`;

/** PRICING_FIXTURE with some files replaced. */
async function book(files: Record<string, string> = {}): Promise<PricingBook> {
  const dir = await writeTempTree(
    Object.fromEntries(Object.entries({ ...PRICING_FIXTURE, ...files }).map(([k, v]) => [`pricing/${k}`, v])),
  );
  return loadPricingOrThrow(path.join(dir, "pricing"));
}

const contract = (amendment3: string) => ({ "private/contract.yaml": CONTRACT.replace(AMENDMENT_3, amendment3) });
const utc = (day: string) => Date.parse(`${day}T00:00:00Z`);
const intervals = (changes: Map<string, Interval[]>) =>
  Object.fromEntries(
    [...changes].map(([model, list]) => [
      model,
      list.map((i) => [
        new Date(i.from).toISOString().slice(0, 10),
        i.to === Infinity ? "open" : new Date(i.to).toISOString().slice(0, 10),
      ]),
    ]),
  );

/** Amendment 3 cut at 07-05; a cheaper amendment 4 for 07-05 … 07-10 (a backdated rebate week); amendment 3's rates again after. */
const REBATE_WEEK = `  - model: priv/ft
    effective_from: 2026-07-01
    effective_to: 2026-07-05
    costs: {input_cost_per_token: 0.0000018, output_cost_per_token: 0.0000072}
    source: "MSA 2026, amendment 3"
  - model: priv/ft
    effective_from: 2026-07-05
    effective_to: 2026-07-10
    costs: {input_cost_per_token: 0.0000015, output_cost_per_token: 0.000006}
    source: "MSA 2026, amendment 4"
  - model: priv/ft
    effective_from: 2026-07-10
    costs: {input_cost_per_token: 0.0000018, output_cost_per_token: 0.0000072}
    source: "MSA 2026, amendment 3 (again)"
`;

describe("privatePriceChanges", () => {
  it("finds no change between equal books, nor when only a source or an entry's place in the file changes", async () => {
    const base = await book();
    expect(privatePriceChanges(base, await book()).size).toBe(0);
    expect(privatePriceChanges(base, await book(contract(AMENDMENT_3.replace("amendment 3", "amendment 3 (signed)")))).size).toBe(0);
  });

  it("gives the range of a re-rated period, open-ended when the period is", async () => {
    const head = await book(contract(AMENDMENT_3.replace("0.0000018", "0.0000016")));
    expect(intervals(privatePriceChanges(await book(), head))).toEqual({ "priv/ft": [["2026-07-01", "open"]] });
  });

  it("gives only the days whose prices differ when a period is split and a backdated one inserted", async () => {
    const changes = privatePriceChanges(await book(), await book(contract(REBATE_WEEK)));
    expect(intervals(changes)).toEqual({ "priv/ft": [["2026-07-05", "2026-07-10"]] });
    expect(isAffected(changes, "priv/ft", utc("2026-07-05"))).toBe(true);
    expect(isAffected(changes, "priv/ft", utc("2026-07-10") - 1)).toBe(true);
    expect(isAffected(changes, "priv/ft", utc("2026-07-10"))).toBe(false);
    expect(isAffected(changes, "acme-main/flat", utc("2026-07-06"))).toBe(false);
  });

  it("gives the days between the old and the new boundary when a period's dates move", async () => {
    const moved = CONTRACT.replace("effective_to: 2026-07-01", "effective_to: 2026-06-20").replace(
      AMENDMENT_3,
      AMENDMENT_3.replace("2026-07-01", "2026-06-20"),
    );
    expect(intervals(privatePriceChanges(await book(), await book({ "private/contract.yaml": moved })))).toEqual({
      "priv/ft": [["2026-06-20", "2026-07-01"]],
    });
  });

  it("counts every period of a model that is no longer private (its past calls would be priced from the catalog)", async () => {
    const accounts = PRICING_FIXTURE["accounts/priv.yaml"]!.replace(
      "{name: ft-nolist, cost: private}",
      "{name: ft-nolist, provider_model: flat, cost: public}",
    );
    const prices = CONTRACT.slice(0, CONTRACT.indexOf("  - model: priv/ft-nolist"));
    expect(
      intervals(privatePriceChanges(await book(), await book({ "accounts/priv.yaml": accounts, "private/contract.yaml": prices }))),
    ).toEqual({
      "priv/ft-nolist": [["2026-01-01", "open"]],
    });
  });
});

describe("restatementWindow", () => {
  const quiet = {
    rate_changes: [],
    tier_changes: [],
    mode_changes: [],
    models_added: [],
    models_removed: [],
    regions_added: [],
    regions_removed: [],
  };
  const week = new Map([["priv/ft", [{ from: utc("2026-07-05"), to: utc("2026-07-10") }]]]);

  it("is null when no price changes", () => {
    expect(restatementWindow({ changes: new Map(), diff: quiet, today: "2026-07-16" })).toBeNull();
  });

  it("restates nothing for a catalog change: it applies forward only", async () => {
    const base = await book();
    const head = await book({
      "catalog/providers/acme/flat.yaml": PRICING_FIXTURE["catalog/providers/acme/flat.yaml"]!.replace("0.000001\n", "0.0000011\n"),
    });
    expect(restatementWindow({ changes: privatePriceChanges(base, head), diff: diffPricing(base, head), today: "2026-07-16" })).toEqual({
      since: null,
      until: null,
      days: null,
      change_usd: null,
      reason: "only catalog (public) prices change: they have no effective date, so the change applies forward only, from the next nightly",
    });
  });

  it("without usage: the changed days up to yesterday", () => {
    expect(restatementWindow({ changes: week, diff: quiet, today: "2026-07-16" })).toEqual({
      since: "2026-07-05",
      until: "2026-07-09",
      days: 5,
      change_usd: null,
      reason: "private prices of priv/ft change for 2026-07-05 … 2026-07-09",
    });
    expect(restatementWindow({ changes: week, diff: quiet, today: "2026-07-08" })).toMatchObject({
      since: "2026-07-05",
      until: "2026-07-07",
      days: 3,
    });
    const open = new Map([["priv/ft", [{ from: utc("2026-07-01"), to: Infinity }]]]);
    expect(restatementWindow({ changes: open, diff: quiet, today: "2026-07-16" })).toMatchObject({
      since: "2026-07-01",
      until: "2026-07-15",
      days: 15,
      reason: "private prices of priv/ft change from 2026-07-01 on",
    });
  });

  it("restates nothing when the change starts today or later", () => {
    expect(restatementWindow({ changes: week, diff: quiet, today: "2026-07-05" })).toEqual({
      since: null,
      until: null,
      days: null,
      change_usd: null,
      reason: "private prices of priv/ft change for 2026-07-05 … 2026-07-09: no day before today (2026-07-05) is affected",
    });
  });

  it("with usage: from the first to the last day with calls in the changed range, and their re-priced change", () => {
    const days = ["2026-07-04", "2026-07-05", "2026-07-06", "2026-07-07", "2026-07-08", "2026-07-09", "2026-07-10"];
    const byDay = new Map(days.map((d, i) => [d, { base: 1000n, head: 1000n - BigInt(i) }]));
    const usage = { days, affected: new Set(["2026-07-06", "2026-07-08"]), byDay };
    expect(restatementWindow({ changes: week, diff: quiet, today: "2026-07-16", usage })).toEqual({
      since: "2026-07-06",
      until: "2026-07-08",
      days: 3,
      change_usd: "-0.000000009", // days 2, 3 and 4 of the list: −2 − 3 − 4 nano-USD
      reason: "private prices of priv/ft change for 2026-07-05 … 2026-07-09, and the priced usage has calls of that model in that range",
    });
    expect(restatementWindow({ changes: week, diff: quiet, today: "2026-07-16", usage: { ...usage, affected: new Set() } })).toMatchObject({
      since: null,
      reason:
        "private prices of priv/ft change for 2026-07-05 … 2026-07-09, but the priced usage (2026-07-04 … 2026-07-10) has no call of that model in that range before today",
    });
  });

  it("says that catalog changes in the same diff apply forward, except to the restated days", () => {
    const diff = { ...quiet, models_added: ["acme-main/new"] };
    expect(restatementWindow({ changes: week, diff, today: "2026-07-16" })!.reason).toBe(
      "private prices of priv/ft change for 2026-07-05 … 2026-07-09; catalog (public) price changes apply forward only (they have no effective date), except to the restated days, which are priced with the whole current pricing",
    );
  });
});
