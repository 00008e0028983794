import * as aq from "arquero";
import { describe, expect, it } from "vitest";
import { extractToCsv } from "../../../pipeline/src/extracts/extract-to-csv.ts";
import { toExtractTable } from "../../../pipeline/src/extracts/to-extract-table.ts";
import { formatNano } from "../../../pipeline/src/pricing/money.ts";
import { MEASURE_NAMES } from "../../../pipeline/src/schemas/fields.ts";
import { writeCubeFile } from "../../../pipeline/test/cube-file.ts";
import { CsvBytes, MAX_NUMBER } from "../../../pipeline/src/lib/csv-bytes.ts";
import { CubeRows, SAFE_NANO, type DimColumn } from "../../../pipeline/src/cube/cube-columns.ts";
import { filterCube, totals } from "./cube-query.ts";
import { groupTable, type GroupByResult } from "./group-by.ts";
import { cubeFromBuffer } from "./load-cube.ts";

const text = (result: GroupByResult) => new TextDecoder().decode(Buffer.concat(result.csv));

/** A deterministic generator (mulberry32). */
function random(seed: number): () => number {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The groupBy as Arquero computes it (the reference): exact bigint sums, then the pipeline's extract rows and CSV. */
function reference(cells: Record<string, unknown[]>, fields: string[]): string {
  let table = aq.table(cells);
  if (fields.includes("month")) table = table.derive({ month: "d => op.substring(d.date, 0, 7)" }) as aq.ColumnTable;
  const sums = Object.fromEntries(MEASURE_NAMES.map((name) => [name, aq.op.sum(name)]));
  const grouped = (fields.length ? table.groupby(...fields) : table).rollup(sums);
  const columns = Object.fromEntries([...fields, ...MEASURE_NAMES].map((name) => [name, grouped.array(name) as unknown as unknown[]]));
  return extractToCsv(toExtractTable(Object.assign(columns, { length: grouped.numRows() }), fields));
}

describe("groupTable over the typed cube", () => {
  const rand = random(7);
  const pick = <T>(list: T[]) => list[Math.floor(rand() * list.length)]!;
  const n = 5_000;
  // Hostile and awkward values: formulas, quotes, commas, new lines, spaces, accents, null.
  const users = [
    null,
    "=SUM(A1)",
    "+1",
    "-2",
    "@x",
    'a "quoted", name',
    "line\nbreak",
    " padded ",
    "zoë",
    "Zoe",
    "a",
    "b",
    ...Array.from({ length: 300 }, (_, i) => `u${i}`),
  ];
  const cells: Record<string, unknown[]> = {
    date: Array.from({ length: n }, () => `2026-${pick(["06", "07", "08"])}-${String(1 + Math.floor(rand() * 28)).padStart(2, "0")}`),
    team: Array.from({ length: n }, () => pick([null, "search", "payments", "ads"])),
    user: Array.from({ length: n }, () => pick(users)),
    model: Array.from({ length: n }, () => pick(["m1", "m2", "m3", "m4"])),
    policy_status: Array.from({ length: n }, () => pick(["ok", "warning"])),
    ...Object.fromEntries(
      ["requests", "input_tokens", "cache_read_tokens", "cache_write_tokens", "output_tokens", "unpriced_requests"].map((m) => [
        m,
        Array.from({ length: n }, () => Math.floor(rand() * 1_000_000)),
      ]),
    ),
    // Money: mostly small, some past 2^52 nano-USD (a sum that must leave the Float64 part), some negative (a credit).
    cost_usd: Array.from({ length: n }, (_, i) =>
      i % 97 === 0 ? BigInt(SAFE_NANO) * 3n + BigInt(i) : BigInt(Math.floor(rand() * 4e15)) - 10n ** 14n,
    ),
    list_cost_usd: Array.from({ length: n }, () => BigInt(Math.floor(rand() * 1e12))),
  };
  const cube = cubeFromBuffer(
    writeCubeFile(
      [
        ...["date", "team", "user", "model", "policy_status"].map((name) => ({
          name,
          kind: "string" as const,
          cells: cells[name] as (string | null)[],
        })),
        ...["requests", "input_tokens", "cache_read_tokens", "cache_write_tokens", "output_tokens", "unpriced_requests"].map((name) => ({
          name,
          kind: "int64" as const,
          cells: cells[name] as number[],
        })),
        { name: "cost_usd", kind: "money_total", cells: cells.cost_usd as bigint[] },
        { name: "list_cost_usd", kind: "money", cells: cells.list_cost_usd as bigint[] },
      ],
      { rowGroupRows: 1_234 },
    ),
  );

  // By user, date, team and model: about 313 × 85 × 5 × 5 = 665,000 combinations, more than
  // 2^16 and 4 × 5,000 rows: grouped through the hash table, not the direct table.
  it.each([
    [["user"]],
    [["team", "model", "month"]],
    [["user", "date"]],
    [["month", "team", "user", "model"]],
    [["user", "date", "team", "model"]],
    [[]],
  ])("writes the same CSV bytes and rows as Arquero and the pipeline's extract, grouped by %j", async (fields) => {
    const rows = await cube.table(["date", "team", "user", "model", ...MEASURE_NAMES]);
    const result = groupTable(rows, fields);
    const expected = reference(cells, fields);
    expect(text(result)).toBe(expected);
    const month = (i: number) => (cells.date![i] as string).slice(0, 7);
    const keys = new Set(Array.from({ length: n }, (_, i) => JSON.stringify(fields.map((f) => (f === "month" ? month(i) : cells[f]![i])))));
    expect(result.length).toBe(keys.size);
    expect(result.totalCostNano).toBe((cells.cost_usd as bigint[]).reduce((s, v) => s + v, 0n));
    expect(result.requests).toBe((cells.requests as number[]).reduce((s, v) => s + v, 0));
  });

  it("filters before grouping: the groups of a team's rows sum to that team's totals", async () => {
    const rows = await cube.table(["date", "team", "user", "model", "policy_status", ...MEASURE_NAMES]);
    const search = filterCube(rows, { equals: { team: "search" } });
    const kept = (cells.team as (string | null)[]).map((t, i) => (t === "search" ? i : -1)).filter((i) => i >= 0);
    expect(search.length).toBe(kept.length);
    const result = groupTable(search, ["user"]);
    expect(result.totalCostNano).toBe(kept.reduce((s, i) => s + (cells.cost_usd as bigint[])[i]!, 0n));
    expect(totals(search)).toMatchObject({
      cost: result.totalCostNano,
      requests: kept.reduce((s, i) => s + (cells.requests as number[])[i]!, 0),
      ok_cost: kept.filter((i) => cells.policy_status![i] === "ok").reduce((s, i) => s + (cells.cost_usd as bigint[])[i]!, 0n),
    });
    const keptCells = Object.fromEntries(Object.entries(cells).map(([k, v]) => [k, kept.map((i) => v[i])]));
    expect(text(result)).toBe(reference(keptCells, ["user"]));
    // The kept rows by date, user and model (about 85 × 313 × 5 combinations: the hash table, over the kept rows' index).
    expect(text(groupTable(search, ["date", "user", "model"]))).toBe(reference(keptCells, ["date", "user", "model"]));
  });
});

describe("groups whose dimensions are too large for a number key", () => {
  it("groups and sorts by text keys and a comparison sort, with the same result", () => {
    // Four dimensions of 2^18 values each: the codes' combined number passes 2^53.
    const size = 2 ** 18;
    const values = (prefix: string) => [null, ...Array.from({ length: size }, (_, i) => `${prefix}${(size - i).toString(36)}`)];
    const dims = ["a", "b", "c", "d"].map((p) => ({ kind: "dim" as const, values: values(p), codes: new Int32Array(6) }));
    const picks = [
      [1, 2, 3, 4],
      [size, 1, 1, 1],
      [1, 2, 3, 4],
      [0, 0, 0, size],
      [size, 1, 1, 1],
      [5, 5, 5, 5],
    ];
    picks.forEach((p, r) => dims.forEach((d, i) => (d.codes[r] = p[i]!)));
    const columns = new Map<
      string,
      DimColumn | { kind: "count"; values: Float64Array } | { kind: "money"; values: Float64Array; big: null }
    >(dims.map((d, i) => [["a", "b", "c", "d"][i]!, d]));
    for (const m of MEASURE_NAMES)
      columns.set(
        m,
        m.endsWith("_usd")
          ? { kind: "money", values: Float64Array.from(picks, (_, r) => r + 1), big: null }
          : { kind: "count", values: Float64Array.from(picks, () => 1) },
      );
    const result = groupTable(new CubeRows(columns, null, picks.length), ["a", "b", "c", "d"]);
    const cells = Object.fromEntries([
      ...dims.map((d, i) => [["a", "b", "c", "d"][i]!, picks.map((p) => d.values[p[i]!])]),
      ...MEASURE_NAMES.map((m) => [m, picks.map((_, r) => (m.endsWith("_usd") ? BigInt(r + 1) : 1))]),
    ]);
    expect(result.length).toBe(4);
    expect(text(result)).toBe(reference(cells, ["a", "b", "c", "d"]));
  });
});

describe("CsvBytes", () => {
  const written = (write: (csv: CsvBytes) => void) => {
    const csv = new CsvBytes();
    csv.room(MAX_NUMBER);
    write(csv);
    return new TextDecoder().decode(Buffer.concat(csv.result()));
  };
  it("copies text cells encoded once as UTF-8: ASCII, accents, emoji, lone surrogates, long cells, empty ones", () => {
    const texts = ["", "a", "zoë", "🙂 x", "\ud800", "\udc00b", "x".repeat(40), `"é, ${"y".repeat(35)}"`, "=cmd"];
    const ascii = ["a", "bc", "", "d".repeat(33)];
    for (const list of [texts, ascii]) {
      const cells = CsvBytes.encodeCells(list);
      expect(cells.widest).toBe(Math.max(...list.map((t) => new TextEncoder().encode(t).length)));
      const order = [...list.keys(), ...[...list.keys()].reverse()];
      const out = new CsvBytes();
      for (const i of order) {
        out.room(cells.widest + 1);
        out.cell(cells, i);
        out.comma();
      }
      expect(Buffer.concat(out.result())).toEqual(Buffer.from(new TextEncoder().encode(order.map((i) => `${list[i]},`).join(""))));
    }
  });

  it("writes integers as String does", () => {
    for (const n of [
      0,
      1,
      9,
      10,
      99,
      100,
      2147483647,
      2147483648,
      4294967296,
      999_999_999_999,
      2 ** 53 - 1,
      -1,
      -2147483648,
      -(2 ** 53) + 1,
      1e21,
      0.5,
    ])
      expect(written((c) => c.integer(n))).toBe(String(n));
  });
  it("writes nano-USD as formatNano does", () => {
    for (const n of [0, 1, -1, 999_999_999, 1e9, 1e9 + 1, -1e9, 123_456_789_012, SAFE_NANO, -SAFE_NANO, 2 ** 53 - 1, 4_503_599_627_370_495])
      expect(written((c) => c.nano(n))).toBe(formatNano(BigInt(n)));
  });
  it("keeps its pieces when a cell is larger than a piece", () => {
    const big = CsvBytes.encode("x".repeat(3 << 20));
    const csv = new CsvBytes();
    csv.room(5);
    csv.bytes(CsvBytes.encode("head,"));
    csv.room(big.length);
    csv.bytes(big);
    const bytes = Buffer.concat(csv.result());
    expect(bytes.length).toBe(5 + big.length);
    expect(bytes.subarray(0, 6).toString()).toBe("head,x");
  });
});
