import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compilePattern, type Pattern } from "./compile-pattern.ts";

const compiled = (source: string): Pattern => {
  const result = compilePattern(source);
  if (!("pattern" in result)) throw new Error(`${source}: ${result.error}`);
  return result.pattern;
};

/** Patterns admins write, whose meaning is the same in JavaScript and RE2. */
const ORDINARY = [
  "^cus_[A-Za-z0-9]+$",
  "cus_",
  "^(prod|staging|dev)$",
  "team-(alpha|beta)",
  "^[a-z]+-[0-9]{2,4}$",
  "^\\d{3}$",
  "\\bprod\\b",
  "^[A-Z]{2}\\d+",
  "[^a-z]",
  "^$",
  "^.*a.*$",
  "a?b*c+",
  "^(a+)+$",
  "\\w+@\\w+\\.com",
  "(?:ab|a)b$",
];
/** Pieces the random values are made of: near-misses of the patterns, a newline, non-ASCII, an astral character. */
const PIECES = [
  "cus_",
  "a",
  "b",
  "c",
  "A",
  "Z",
  "9",
  "12",
  "_",
  "-",
  "prod",
  "dev",
  "team-",
  "alpha",
  "@",
  ".com",
  " ",
  "\n",
  "é",
  "😀",
  "!",
];
const value = fc.array(fc.constantFrom(...PIECES), { maxLength: 12 }).map((parts) => parts.join(""));

describe("compilePattern", () => {
  it("gives the same verdict as RegExp.prototype.test (an unanchored search) on ordinary patterns", () => {
    const pairs = ORDINARY.map((source) => [new RegExp(source), compiled(source)] as const);
    fc.assert(
      fc.property(fc.nat(pairs.length - 1), value, (index, text) => {
        const [js, re2] = pairs[index]!;
        expect(re2.test(text), `${js.source} on ${JSON.stringify(text)}`).toBe(js.test(text));
      }),
      { numRuns: 3000 },
    );
  });

  it("matches in linear time where a backtracking engine explodes, with the right verdict", () => {
    // V8's RegExp needs about 2^n steps here: 93 s at n = 33, forever at n = 10,000.
    const pattern = compiled("^(a+)+$");
    expect(pattern.test(`${"a".repeat(10_000)}!`)).toBe(false);
    expect(pattern.test("a".repeat(10_000))).toBe(true);
  });

  it.each([
    ["(a)\\1", "invalid escape sequence: `\\1`"],
    ["(?=a)b", "invalid or unsupported Perl syntax: `(?=`"],
    ["a(?!b)", "invalid or unsupported Perl syntax: `(?!`"],
    ["\\u0041", "invalid escape sequence: `\\u`"],
    ["a{1001}", "invalid repeat count: `{1001}`"],
    ["([", "missing closing ]: `[`"],
  ])("refuses %s: %s", (source, reason) => {
    expect(compilePattern(source)).toEqual({ error: reason });
  });
});
