import { describe, expect, it } from "vitest";
import { parseTimestamp } from "./parse-timestamp.ts";

describe("parseTimestamp", () => {
  it.each([
    ["2026-01-01", "2026-01-01T00:00:00.000Z"],
    ["2026-01-01T12:30", "2026-01-01T12:30:00.000Z"],
    ["2026-01-01T12:30:15", "2026-01-01T12:30:15.000Z"],
    ["2026-01-01T12:30:15.1234567", "2026-01-01T12:30:15.123Z"],
    ["2026-01-01 12:30:15Z", "2026-01-01T12:30:15.000Z"],
    ["2026-07-01T01:00:00+02:00", "2026-06-30T23:00:00.000Z"],
    ["2026-06-30T20:00:00-0500", "2026-07-01T01:00:00.000Z"],
  ])("%s is %s (UTC when no offset)", (text, iso) => {
    expect(new Date(parseTimestamp(text)!).toISOString()).toBe(iso);
  });

  it.each(["", "2026-02-30", "2026-13-01", "2026-01-01T24:00", "01/02/2026", "2026-01-01T10:00:00 UTC", "1767225600"])("rejects %j", (text) => {
    expect(parseTimestamp(text)).toBeUndefined();
  });
});
