import { describe, expect, it } from "vitest";
import { dataSource, parseDataSource } from "./data-source.ts";

describe("data-source", () => {
  it.each([
    ["trend", undefined],
    ["bar", "model"],
    ["breakdown", "metadata.customer_id"],
    ["breakdown", "metadata.a:b"],
    ["lines", "metadata.::"],
    ["bar", "metadata.<img src=x onerror=alert(1)>"],
    ["breakdown", "metadata."],
  ] as const)("%s with %j reads back as written", (kind, dimension) => {
    const text = dataSource(kind, dimension);
    expect(parseDataSource(text)).toEqual({ kind, dimension: dimension ?? null });
  });

  it("cuts at the first colon only", () => {
    expect(dataSource("bar", "metadata.a:b")).toBe("bar:metadata.a:b");
    expect(parseDataSource("lines:metadata.a:b:c")).toEqual({ kind: "lines", dimension: "metadata.a:b:c" });
  });
});
