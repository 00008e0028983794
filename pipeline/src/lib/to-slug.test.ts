import { createHash } from "node:crypto";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "./sha256-hex.ts";
import { SLUG_MAX_LENGTH, SLUG_PATTERN, toSlug } from "./to-slug.ts";

/** Short keys from the characters that need care: many keys, so near misses meet each other. */
const trickyUnit = fc.constantFrom(
  "a",
  "A",
  "k",
  "-",
  "_",
  ".",
  "/",
  "\\",
  ":",
  "2",
  "e",
  "f",
  "\u0000",
  "é",
  "\u0301",
  "\ud800",
  "\udc00",
  "\ufffd",
);
const trickyKey = fc.string({ unit: trickyUnit, maxLength: 4 });

/** Keys as clients could send them: any UTF-16 text (lone surrogates too), path-like and near-plain names, long ones. */
const anyKey = fc.oneof(
  fc.string({ unit: "binary", maxLength: 12 }),
  fc.string({ unit: "grapheme", maxLength: 12 }),
  fc.string({ unit: trickyUnit, maxLength: 10 }),
  fc.string({ unit: fc.constantFrom("a", "b", "_", "-", "0"), minLength: 55, maxLength: 80 }),
  fc.string({ unit: "binary", minLength: 60, maxLength: 400 }),
);

/** A key and variants of it that differ in case only (what a case-insensitive file system mixes up). */
const caseVariants = anyKey.chain((key) =>
  fc
    .array(fc.boolean(), { minLength: key.length, maxLength: key.length })
    .map((flips) => [
      key,
      key.toLowerCase(),
      key.toUpperCase(),
      Array.from(key, (c, i) => (flips[i] ? c.toUpperCase() : c.toLowerCase())).join(""),
    ]),
);

describe("toSlug", () => {
  it.each([
    ["customer_id", "customer_id"],
    ["feature", "feature"],
    ["cost-center", "cost-center"],
    ["application", "application"],
    ["k-2e2e", "k-2e2e"],
    ["..", "__2e_2e"],
    [".", "__2e"],
    ["", "_"],
    ["a:b", "_a_3ab"],
    ["Customer", "__43ustomer"],
    ["customer", "customer"],
    ["__proto__", "__5f_5fproto_5f_5f"],
    ["CON", "__43_4f_4e"],
    ["con", "_con"],
    ["lpt1", "_lpt1"],
    ["/../../../package", "__2f_2e_2e_2f_2e_2e_2f_2e_2e_2fpackage"],
    ["é", "__c3_a9"],
    ["-rf", "__2drf"],
    // A lone surrogate (JSON allows "\ud800") is not confused with the replacement character.
    ["\ud800", "__ed_a0_80"],
    ["\ufffd", "__ef_bf_bd"],
  ])("%j → %j", (key, slug) => {
    expect(toSlug(key)).toBe(slug);
  });

  it("cuts long keys to a readable start and a hash of the whole key", () => {
    const long = "x".repeat(300);
    expect(toSlug(long)).toBe(`_${"x".repeat(28)}-${createHash("sha256").update(long).digest("hex").slice(0, 32)}`);
    expect(toSlug("a".repeat(64))).toBe("a".repeat(64));
    expect(toSlug("a".repeat(65))).toMatch(/^_a{28}-[0-9a-f]{32}$/);
    expect(toSlug(`${"x".repeat(299)}y`)).not.toBe(toSlug(long));
    // A hashed start never ends inside an escaped character.
    expect(toSlug(`abcdefghijklmnopqrstuvwxyz${"é".repeat(40)}`)).toMatch(/^_abcdefghijklmnopqrstuvwxyz-[0-9a-f]{32}$/);
  });

  it("gives different keys different slugs, also when only their case differs", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(anyKey, { maxLength: 30 }),
        fc.uniqueArray(trickyKey, { maxLength: 300 }),
        caseVariants,
        (keys, tricky, variants) => {
          const all = [...new Set([...keys, ...tricky, ...variants])];
          // Compared as a case-insensitive file system would.
          const slugs = new Set(all.map((k) => toSlug(k).toLowerCase()));
          expect(slugs.size).toBe(all.length);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("always matches the safe pattern, is short, and stays inside its folder as a file name", () => {
    const dir = path.resolve("/srv/site-data");
    fc.assert(
      fc.property(anyKey, (key) => {
        const slug = toSlug(key);
        expect(slug).toMatch(SLUG_PATTERN);
        expect(slug.length).toBeLessThanOrEqual(SLUG_MAX_LENGTH);
        expect(slug).not.toMatch(/[/\\\0.]/);
        expect(slug).toBe(slug.toLowerCase());
        expect(encodeURIComponent(slug)).toBe(slug);
        for (const name of [`${slug}.json`, `breakdown-metadata.${slug}.json`, slug]) {
          const file = path.join(dir, name);
          expect(path.dirname(file)).toBe(dir);
          expect(path.basename(file)).toBe(name);
        }
      }),
      { numRuns: 5000 },
    );
  });
});

describe("sha256Hex", () => {
  it("equals node:crypto's SHA-256 for any bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(sha256Hex(bytes)).toBe(createHash("sha256").update(bytes).digest("hex"));
      }),
      { numRuns: 500 },
    );
  });
});
