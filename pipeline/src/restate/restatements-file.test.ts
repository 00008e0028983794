import { writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { writeTempTree } from "../../test/temp-dir.ts";
import type { Restatement } from "../schemas/restatement.schema.ts";
import { readRestatements, restatementsText } from "./restatements-file.ts";

const ENTRY: Restatement = {
  date: "2026-07-02",
  restated_at: "2026-07-20T02:30:00.000Z",
  old: { rows: 3, cost_usd: "1.500000000", list_cost_usd: "2.000000000" },
  new: { rows: 3, cost_usd: "1.250000000", list_cost_usd: "2.000000000" },
  old_pricing_version: "sha256:old",
  new_pricing_version: "sha256:new",
  pricing_commit: null,
};

describe("restatements.json", () => {
  it("is absent until a restatement changes a day (null), and reads back what was written, one entry per line", async () => {
    const dir = await writeTempTree({});
    expect(await readRestatements(dir)).toBeNull();
    const text = restatementsText([ENTRY, { ...ENTRY, date: "2026-07-03" }]);
    expect(text.split("\n")).toHaveLength(5);
    await writeFile(path.join(dir, "restatements.json"), text);
    expect(await readRestatements(dir)).toEqual([ENTRY, { ...ENTRY, date: "2026-07-03" }]);
    expect(restatementsText([])).toBe("[]\n");
  });

  it("stops with the file and field when it is not what costs restate writes", async () => {
    const dir = await writeTempTree({ "restatements.json": JSON.stringify([{ ...ENTRY, new: { ...ENTRY.new, cost_usd: 1.25 } }]) });
    await expect(readRestatements(dir)).rejects.toThrow(
      /restatements\.json \[0\]\.new\.cost_usd: .*\n {2}hint: restatements\.json is written by `costs restate` only/,
    );
    const broken = await writeTempTree({ "restatements.json": "[{" });
    await expect(readRestatements(broken)).rejects.toThrow(/restatements\.json: is not valid JSON/);
  });
});
