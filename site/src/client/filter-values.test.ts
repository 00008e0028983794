import { describe, expect, it } from "vitest";
import { columnValues, fromInput } from "./filter-values.ts";

describe("columnValues", () => {
  const values = ["zeta-ann", "Ann", null, "bob", "<img src=x>", "joanne"];
  const column = columnValues(values);

  it("finds every value containing the text, case-insensitively, prefix matches first, in cost order", () => {
    expect(column.search("ann")).toEqual(["Ann", "zeta-ann", "joanne"]);
    expect(column.search("<IMG")).toEqual(["<img src=x>"]);
    expect(column.search("none")).toEqual([null]);
    expect(column.search("")).toEqual(values);
    expect(column.search("an", 2)).toEqual(["Ann", "zeta-ann"]);
  });

  it("searches past the first thousand values and stops at the limit", () => {
    const many = columnValues(Array.from({ length: 20_000 }, (_, i) => `customer-${String(i).padStart(5, "0")}`));
    expect(many.size).toBe(20_000);
    expect(many.search("19999")).toEqual(["customer-19999"]);
    expect(many.search("customer-1", 3)).toEqual(["customer-10000", "customer-10001", "customer-10002"]);
    expect(many.has("customer-15000")).toBe(true);
    expect(many.has("customer-20000")).toBe(false);
  });

  it("knows absent values apart from the text (none)", () => {
    expect(column.has(null)).toBe(true);
    expect(column.has("(none)")).toBe(false);
    expect([fromInput(""), fromInput("(none)"), fromInput("bob")]).toEqual([undefined, null, "bob"]);
  });
});
