import path from "node:path";
import { describe, expect, it } from "vitest";
import { writeTempTree } from "../../test/temp-dir.ts";
import { readParquet } from "./read-parquet.ts";
import { writeParquet } from "./write-parquet.ts";
import { toCsv } from "../lib/to-csv.ts";

describe("Parquet round trip", () => {
  it("a column the file predates comes back as nulls when it is optional, else is an error", async () => {
    const dir = await writeTempTree({});
    const file = path.join(dir, "old.parquet");
    await writeParquet(file, [
      { name: "id", kind: "string", data: ["a", "b", "c"] },
      { name: "tokens", kind: "int64", data: [1, null, 3] },
    ]);
    const { rowCount, columns } = await readParquet(file, ["tokens", "calls", "id"], new Set(["calls"]));
    expect(rowCount).toBe(3);
    expect(columns).toEqual({ tokens: [1n, null, 3n], id: ["a", "b", "c"], calls: [null, null, null] });
    await expect(readParquet(file, ["id", "calls"])).rejects.toThrow(/column not found: calls/);
    await expect(readParquet(file, ["id", "nope"], new Set(["calls"]))).rejects.toThrow(/column not found: nope/);
  });

  it("money columns are exact decimals read back by hyparquet (a reader the writer did not use)", async () => {
    const dir = await writeTempTree({});
    const file = path.join(dir, "t.parquet");
    const money = [1n, 0n, null, 123456789012345678n, -5n];
    const totals = [10n ** 30n + 7n, -1n, 0n, null, 999999999999999999999n];
    await writeParquet(file, [
      { name: "id", kind: "string", data: ["a", "b", "c", "d", "=1+1"] },
      { name: "cost_usd", kind: "money", data: money },
      { name: "total_usd", kind: "money_total", data: totals },
      { name: "tokens", kind: "int64", data: [1, 2, 3, 2 ** 53 - 1, null] },
      { name: "at", kind: "timestamp", data: [0, 1767225600000, null, 1, 2] },
      { name: "batch", kind: "boolean", data: [true, false, null, true, false] },
    ]);
    const { rowCount, columns } = await readParquet(file);
    expect(rowCount).toBe(5);
    expect(columns.cost_usd).toEqual(money);
    expect(columns.total_usd).toEqual(totals);
    expect(columns.tokens).toEqual([1n, 2n, 3n, 2n ** 53n - 1n, null]);
    expect(columns.at).toEqual([0, 1767225600000, null, 1, 2]);
    expect(columns.batch).toEqual([true, false, null, true, false]);
    expect(columns.id).toEqual(["a", "b", "c", "d", "=1+1"]);
  });
});

describe("toCsv", () => {
  it("quotes, leaves nulls empty and neutralises formulas in text cells only", () => {
    const csv = toCsv(
      ["name", "cost_usd"],
      ["text", "number"],
      [
        ['=HYPERLINK("http://x","y")', "-0.000000001"],
        ["+1", "1.5"],
        ["-2", null],
        ["@SUM(A1)", "0"],
        ["\tx", "0"],
        ["a,b", "0"],
        ['say "hi"\nbye', "0"],
        ["plain", "2.000000000"],
      ],
    );
    expect(csv).toBe(
      [
        "name,cost_usd",
        `"'=HYPERLINK(""http://x"",""y"")",-0.000000001`,
        "'+1,1.5",
        "'-2,",
        "'@SUM(A1),0",
        "'\tx,0",
        `"a,b",0`,
        `"say ""hi""\nbye",0`,
        "plain,2.000000000",
        "",
      ].join("\n"),
    );
  });
});
