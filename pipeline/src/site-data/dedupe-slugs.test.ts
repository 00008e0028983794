import { describe, expect, it } from "vitest";
import { dedupeSlugs } from "./dedupe-slugs.ts";

describe("dedupeSlugs", () => {
  it("keeps every key when the slugs differ: `..` and `k-2e2e`, `Customer` and `customer`", () => {
    const keys = ["..", "k-2e2e", "Customer", "customer", "a:b", "__proto__"];
    expect(dedupeSlugs(keys)).toEqual({ keys, warnings: [] });
  });

  it("leaves out a later key whose slug is taken, with a warning naming both, and counts a repeated key once", () => {
    const lower = (key: string) => key.toLowerCase();
    expect(dedupeSlugs(["team", "Customer", "team", "customer", "CUSTOMER"], lower)).toEqual({
      keys: ["team", "Customer"],
      warnings: [
        'metadata keys "Customer" and "customer" have the same file and page name "customer": only "Customer" gets a page',
        'metadata keys "Customer" and "CUSTOMER" have the same file and page name "customer": only "Customer" gets a page',
      ],
    });
  });
});
