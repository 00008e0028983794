import { describe, expect, it } from "vitest";
import { parseClickHouseArray, parseClickHouseMap } from "./parse-clickhouse-text.ts";

describe("parseClickHouseArray", () => {
  it.each([
    ["['a','b']", ["a", "b"]],
    ["[ 'a' , 'b' ]", ["a", "b"]],
    ["[]", []],
    ["['it\\'s','back\\\\slash','tab\\there','\\x41']", ["it's", "back\\slash", "tab\there", "A"]],
    ["['a',NULL,3]", ["a", null, "3"]],
  ])("reads %s", (text, expected) => {
    expect(parseClickHouseArray(text)).toEqual(expected);
  });

  it.each(["['a'", "['a',]", "['a' 'b']", "['a\\q']", "['a'] x", "[a]", "['a\\x4']", "'a'"])("refuses %s", (text) => {
    expect(parseClickHouseArray(text)).toBeUndefined();
  });
});

describe("parseClickHouseMap", () => {
  it("reads keys and values, escapes and NULL", () => {
    expect(parseClickHouseMap("{'k':'v', 'k2' : 'a\\'b', 'n':NULL, 'x':12}")).toEqual({ k: "v", k2: "a'b", n: null, x: "12" });
    expect(parseClickHouseMap("{}")).toEqual({});
  });

  it("keeps a __proto__ key as data", () => {
    const map = parseClickHouseMap("{'__proto__':'x'}")!;
    expect(Object.keys(map)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(map)).toBe(Object.prototype);
  });

  it.each(["{'k':'v'", "{'k'}", "{k:'v'}", "{'k':'v',}", "{'k':'v'}}", "{'k' 'v'}"])("refuses %s", (text) => {
    expect(parseClickHouseMap(text)).toBeUndefined();
  });
});
