import { describe, expect, it } from "vitest";
import { cell } from "./table.ts";
import { costText, listCostText, unpricedShare } from "./unpriced.ts";

describe("unpriced calls are never shown as $0.00", () => {
  it("says unpriced when every request is, and the unpriced share when some are", () => {
    expect(costText("0.000000000", { requests: 4, unpriced_requests: 4 })).toBe("unpriced");
    expect(costText("12.345000000", { requests: 8, unpriced_requests: 1 })).toBe("$12.35 (12.50% unpriced)");
    expect(costText("12.345000000", { requests: 8, unpriced_requests: 0 })).toBe("$12.35");
    expect(costText("0.000000001", { requests: 3, unpriced_requests: 2 }, true)).toBe("$0.000000001 (66.67% unpriced)");
    expect(unpricedShare({ requests: 0, unpriced_requests: 0 })).toBeNull();
  });

  it("says no list price when priced calls have a cost but no list cost", () => {
    expect(listCostText("0.000000000", "3.000000000", { requests: 2, unpriced_requests: 0 })).toBe("no list price");
    expect(listCostText("0.000000000", "0.000000000", { requests: 2, unpriced_requests: 2 })).toBe("unpriced");
    expect(listCostText("4.000000000", "3.000000000", { requests: 2, unpriced_requests: 0 })).toBe("$4.00");
  });

  it("keeps the exact value in the cell and sorts all-unpriced rows below every cost", () => {
    const row = { requests: 5, unpriced_requests: 5, cost_usd: "0.000000000", list_cost_usd: "0.000000000" };
    expect(cell("cost", row.cost_usd, row)).toMatchObject({ text: "unpriced", value: "0.000000000", sort: "-1" });
    expect(cell("list-cost", row.list_cost_usd, row)).toMatchObject({ text: "unpriced", value: "0.000000000" });
    expect(cell("computed", null, { requests: 1, unpriced_requests: 1 })).toMatchObject({ text: "unpriced", value: "" });
    expect(cell("cost", "0.000000000", { requests: 0, unpriced_requests: 0 }).text).toBe("$0.00");
  });
});
