import { Decimal as Big } from "decimal.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { add, decimalShape, divideHalfEven, formatDecimal, formatNano, isDecimalText, multiply, parseDecimal, parseNano, ratio, toNano } from "./money.ts";

// decimal.js is an independent oracle: arbitrary precision, ROUND_HALF_EVEN.
const Oracle = Big.clone({ precision: 200, rounding: Big.ROUND_HALF_EVEN });

describe("parseDecimal", () => {
  it.each([
    ["6e-8", "0.00000006"],
    ["6.e-8", "0.00000006"],
    ["6.0e-8", "0.00000006"],
    ["0.0000025", "0.0000025"],
    ["1.25e-7", "0.000000125"],
    ["3.e-7", "0.0000003"],
    ["2.5E-7", "0.00000025"],
    ["12", "12"],
    ["1e3", "1000"],
    ["1.5e+2", "150"],
    [".5", "0.5"],
    ["0", "0"],
    ["0.000", "0"],
    ["-0.25", "-0.25"],
    ["0.1234567890123456789012", "0.1234567890123456789012"],
  ])("%s is exactly %s", (text, expected) => {
    expect(formatDecimal(parseDecimal(text))).toBe(expected);
  });

  it.each(["", ".", "e-8", "1e", "abc", "1,5", "0x10", "1e-8e2", "NaN", "Infinity"])("rejects %j", (text) => {
    expect(isDecimalText(text)).toBe(false);
    expect(() => parseDecimal(text)).toThrow(/not a decimal number/);
  });
});

describe("decimalShape: a number's size read from its text, cheaply", () => {
  it.each([
    ["0", { negative: false, integerDigits: 0, scale: 0 }],
    ["-0.000", { negative: false, integerDigits: 0, scale: 0 }],
    ["12", { negative: false, integerDigits: 2, scale: 0 }],
    ["0012.500", { negative: false, integerDigits: 2, scale: 1 }],
    ["-0.000150", { negative: true, integerDigits: 0, scale: 5 }],
    ["6.e-8", { negative: false, integerDigits: 0, scale: 8 }],
    ["1e400", { negative: false, integerDigits: 401, scale: 0 }],
    ["1200e-2", { negative: false, integerDigits: 2, scale: 0 }],
    ["1e-100000000", { negative: false, integerDigits: 0, scale: 100_000_000 }],
  ])("%s", (text, shape) => {
    expect(decimalShape(text)).toEqual(shape);
  });

  it("refuses what isDecimalText refuses, and values too large to build", () => {
    expect(decimalShape("1e")).toBeUndefined();
    expect(isDecimalText("1e999")).toBe(true);
    expect(isDecimalText("1e1000")).toBe(false);
    expect(isDecimalText("1e-100000000")).toBe(false);
    expect(() => parseDecimal("1e100000000")).toThrow(/more than 1000 digits/);
  });

  it("agrees with the parsed value (property)", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: -40, max: 40 }), (coef, exponent) => {
        const text = `${coef}e${exponent}`;
        const shape = decimalShape(text)!;
        const value = parseDecimal(text);
        const magnitude = value.coef < 0n ? -value.coef : value.coef;
        expect(shape.scale).toBe(value.scale);
        expect(shape.integerDigits).toBe(magnitude === 0n ? 0 : Math.max(0, magnitude.toString().length - value.scale));
        expect(shape.negative).toBe(value.coef < 0n);
      }),
    );
  });
});

describe("toNano rounds half to even", () => {
  it.each([
    ["0.0000000005", 0n],
    ["0.0000000015", 2n],
    ["0.0000000025", 2n],
    ["0.00000000250001", 3n],
    ["0.0000000034999", 3n],
    ["-0.0000000015", -2n],
    ["-0.0000000025", -2n],
    ["1.23456789", 1234567890n],
  ])("%s → %s nano", (text, nano) => {
    expect(toNano(parseDecimal(text))).toBe(nano);
  });
});

describe("formatNano / parseNano", () => {
  it.each([
    [0n, "0.000000000"],
    [1n, "0.000000001"],
    [1234567890n, "1.234567890"],
    [-5n, "-0.000000005"],
    [123456789012345678901234n, "123456789012345.678901234"],
  ])("%s ↔ %s", (nano, text) => {
    expect(formatNano(nano)).toBe(text);
    expect(parseNano(text)).toBe(nano);
  });

  it("refuses sub-nano text", () => {
    expect(() => parseNano("0.0000000001")).toThrow(/more than 9 decimal places/);
  });
});

const decimalText = fc
  .tuple(fc.bigInt({ min: 0n, max: 10n ** 18n }), fc.integer({ min: -20, max: 6 }), fc.constantFrom("e", "plain"))
  .map(([coef, exp, style]) => (style === "e" ? `${coef}e${exp}` : formatDecimal({ coef, scale: Math.max(0, -exp) })));

describe("properties against decimal.js", () => {
  it("quantity × rate rounded to nano matches an arbitrary-precision oracle", () => {
    fc.assert(
      fc.property(decimalText, fc.bigInt({ min: 0n, max: 10n ** 12n }), (rateText, quantity) => {
        const ours = toNano(multiply(parseDecimal(rateText), { coef: quantity, scale: 0 }));
        const oracle = new Oracle(rateText).times(quantity.toString()).times(1e9).toDecimalPlaces(0, Big.ROUND_HALF_EVEN);
        expect(ours.toString()).toBe(oracle.toFixed(0));
      }),
      { numRuns: 2000 },
    );
  });

  it("addition is exact", () => {
    fc.assert(
      fc.property(decimalText, decimalText, (a, b) => {
        const sum = formatDecimal(add(parseDecimal(a), parseDecimal(b)));
        expect(new Oracle(sum).equals(new Oracle(a).plus(b))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it("formatNano always prints a whole number of nano-USD with 9 decimals", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), (nano) => {
        const text = formatNano(nano);
        expect(text).toMatch(/^-?\d+\.\d{9}$/);
        expect(parseNano(text)).toBe(nano);
      }),
    );
  });
});

describe("divideHalfEven and ratio", () => {
  it.each([
    [7n, 2n, 4n],
    [5n, 2n, 2n],
    [-5n, 2n, -2n],
    [-7n, 2n, -4n],
    [10n, 3n, 3n],
    [11n, 3n, 4n],
  ])("%s / %s → %s", (a, b, q) => {
    expect(divideHalfEven(a, b)).toBe(q);
  });

  it.each([
    [127_284_192_676n, 138_635_910_151n, "0.918118"],
    [5n, 10_000_000n, "0.000000"],
    [15n, 10_000_000n, "0.000002"],
    [-1n, 4n, "-0.250000"],
    [1n, -4n, "-0.250000"],
    [-1n, 10_000_000n, "0.000000"],
    [3n, 2n, "1.500000"],
    [0n, 5n, "0.000000"],
  ])("ratio(%s, %s) = %s", (a, b, text) => {
    expect(ratio(a, b)).toBe(text);
  });

  it("ratio of anything over 0 is null", () => {
    expect(ratio(1n, 0n)).toBeNull();
  });
});
