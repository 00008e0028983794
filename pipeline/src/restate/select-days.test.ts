import { mkdir } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { writeTempTree } from "../../test/temp-dir.ts";
import { PipelineError } from "../lib/errors.ts";
import { calendarDays, formatDayRanges, selectRestateDays } from "./select-days.ts";

let out: string;

beforeAll(async () => {
  out = await writeTempTree({});
  for (const day of ["2026-06-28", "2026-06-30", "2026-07-01", "2026-07-03"])
    await mkdir(path.join(out, "priced", `date=${day}`), { recursive: true });
  await mkdir(path.join(out, "priced", "not-a-day"));
});

describe("selectRestateDays", () => {
  it("restates the kept days of the window and names the others as skipped", async () => {
    expect(await selectRestateDays(out, "data", "2026-06-29", "2026-07-02")).toEqual({
      days: ["2026-06-30", "2026-07-01"],
      skipped: ["2026-06-29", "2026-07-02"],
      until: "2026-07-02",
    });
  });

  it("without --until, takes every kept day from --since on", async () => {
    expect(await selectRestateDays(out, "data", "2026-07-01")).toEqual({
      days: ["2026-07-01", "2026-07-03"],
      skipped: ["2026-07-02"],
      until: "2026-07-03",
    });
  });

  it("refuses a window without any kept day, saying which days the folder holds", async () => {
    const error = await selectRestateDays(out, "data", "2026-08-01", "2026-08-31").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PipelineError);
    expect((error as PipelineError).problems[0]).toMatchObject({
      file: "data/priced",
      message: "has no day from 2026-08-01 to 2026-08-31 to restate (it holds 2026-06-28 … 2026-07-03); nothing was restated",
    });
    const empty = await writeTempTree({});
    await expect(selectRestateDays(empty, "x", "2026-08-01")).rejects.toThrow(
      /no day from 2026-08-01 to the last day to restate \(it holds no day\)/,
    );
  });
});

describe("calendarDays and formatDayRanges", () => {
  it("lists UTC days across month and year ends", () => {
    expect(calendarDays("2026-12-30", "2027-01-02")).toEqual(["2026-12-30", "2026-12-31", "2027-01-01", "2027-01-02"]);
    expect(calendarDays("2026-03-01", "2026-02-28")).toEqual([]);
  });

  it("writes consecutive days as ranges", () => {
    expect(formatDayRanges(["2026-06-01", "2026-06-02", "2026-06-03", "2026-06-07", "2026-06-30", "2026-07-01"])).toBe(
      "2026-06-01 … 2026-06-03, 2026-06-07, 2026-06-30 … 2026-07-01",
    );
    expect(formatDayRanges([])).toBe("");
  });
});
