import { Decimal as Big } from "decimal.js";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_MODELS, PRICING_FIXTURE } from "../../test/pricing-fixture.ts";
import { writeTempTree } from "../../test/temp-dir.ts";
import type { Call } from "./call.ts";
import { loadPricing, type PricingBook } from "./load-pricing.ts";
import { formatDecimal, formatNano, parseDecimal } from "./money.ts";
import { priceCall } from "./price-call.ts";

const Oracle = Big.clone({ precision: 200, rounding: Big.ROUND_HALF_EVEN });

let book: PricingBook;
let pricingDir: string;
beforeAll(async () => {
  pricingDir = await writeTempTree(PRICING_FIXTURE);
  book = (await loadPricing(pricingDir)).book;
});

const MODELS = FIXTURE_MODELS;

/** Any valid call: subsets stay within their totals. */
const callArb: fc.Arbitrary<Call> = fc
  .record({
    model: fc.constantFrom(...MODELS),
    timestamp: fc.integer({ min: Date.UTC(2025, 11, 1), max: Date.UTC(2026, 11, 31) }),
    region: fc.constantFrom(null, "us-east-1", "eu-west-1", "ap-south-1"),
    input: fc.integer({ min: 0, max: 2_000_000 }),
    readShare: fc.double({ min: 0, max: 1, noNaN: true }),
    writeShare: fc.double({ min: 0, max: 1, noNaN: true }),
    audioShare: fc.double({ min: 0, max: 1, noNaN: true }),
    output: fc.integer({ min: 0, max: 200_000 }),
    outAudioShare: fc.double({ min: 0, max: 1, noNaN: true }),
    batch: fc.boolean(),
    priority: fc.boolean(),
    seconds: fc.constantFrom(undefined, "0.5", "12.25", "3600"),
    images: fc.constantFrom(undefined, "1", "4"),
  })
  .map((r) => {
    const read = Math.floor(r.input * r.readShare);
    const write = Math.floor((r.input - read) * r.writeShare);
    const audio = Math.floor((r.input - read - write) * r.audioShare);
    const call: Call = {
      model: r.model,
      timestamp: r.timestamp,
      region: r.region,
      input_tokens: r.input,
      cache_read_tokens: read,
      cache_write_tokens: write,
      input_audio_tokens: audio,
      output_tokens: r.output,
      output_audio_tokens: Math.floor(r.output * r.outAudioShare),
      batch: r.batch,
      service_tier: r.priority ? "priority" : null,
    };
    if (r.seconds) call.input_seconds = parseDecimal(r.seconds);
    if (r.images) call.input_images = parseDecimal(r.images);
    return call;
  });

describe("pricing properties", () => {
  it("every cost is whole nano-USD, each component is its exact cost rounded half to even, and the row is their sum", () => {
    fc.assert(
      fc.property(callArb, (call) => {
        const priced = priceCall(book, call);
        if (priced.cost_nano === null) {
          expect(priced.price_source).toBe("unpriced");
          expect(priced.unpriced_reason).toBeTruthy();
          return;
        }
        expect(formatNano(priced.cost_nano)).toMatch(/^\d+\.\d{9}$/);
        let sum = 0n;
        for (const component of priced.components) {
          let exact = new Oracle(0);
          for (const b of component.brackets) exact = exact.plus(new Oracle(formatDecimal(b.quantity)).times(formatDecimal(b.rate)));
          expect(component.cost_nano.toString()).toBe(exact.times(1e9).toDecimalPlaces(0, Big.ROUND_HALF_EVEN).toFixed(0));
          expect(component.cost_nano >= 0n).toBe(true);
          sum += component.cost_nano;
        }
        expect(sum).toBe(priced.cost_nano);
      }),
      { numRuns: 3000 },
    );
  });

  it("pricing the same call twice, even from a freshly loaded book, gives the same result", async () => {
    const again = (await loadPricing(pricingDir)).book;
    fc.assert(
      fc.property(callArb, (call) => {
        const first = priceCall(book, call);
        expect(priceCall(book, call)).toEqual(first);
        expect(priceCall(again, call)).toEqual(first);
      }),
      { numRuns: 500 },
    );
  });

  it("token brackets of a component add up to its quantity", () => {
    fc.assert(
      fc.property(callArb, (call) => {
        for (const component of priceCall(book, call).components) {
          const total = component.brackets.reduce((s, b) => s.plus(formatDecimal(b.quantity)), new Oracle(0));
          expect(total.toString()).toBe(new Oracle(formatDecimal(component.quantity)).toString());
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe("rates never pass through a binary float", () => {
  it("rates with more digits than a double holds are priced exactly from the YAML text", async () => {
    // Rates like 0.1000000000000000055511 or 1.234567890123456789e-7 differ from their
    // nearest double; a loader that read them through Number() would leak that noise.
    const rateArb = fc
      // Up to 19 significant digits and 24 decimal places (the most a rate may have), below 10^6 USD per unit.
      .tuple(fc.bigInt({ min: 1n, max: 10n ** 19n }), fc.integer({ min: 14, max: 24 }), fc.constantFrom("e", "plain", "dot-e"))
      .map(([coef, scale, style]) => {
        const digits = coef.toString();
        if (style === "plain") return formatDecimal({ coef, scale });
        if (style === "dot-e") return `${digits}.e-${scale}`;
        return `${digits}e-${scale}`;
      });
    const rates = fc.sample(rateArb, { numRuns: 60, seed: 20261127 });
    const files: Record<string, string> = {
      "accounts/a.yaml": `name: a\nprovider: p\nmodels:\n${rates.map((_, i) => `  - {name: m${i}, cost: public}`).join("\n")}\n`,
    };
    rates.forEach((rate, i) => {
      files[`catalog/providers/p/m${i}.yaml`] = `model: m${i}\ncosts:\n  input_cost_per_token: ${rate}\n  output_cost_per_token: ${rate}\n`;
    });
    const loaded = await loadPricing(await writeTempTree(files));
    expect(loaded.problems).toEqual([]);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: rates.length - 1 }), fc.integer({ min: 1, max: 10_000_000 }), (i, tokens) => {
        const priced = priceCall(loaded.book, { model: `a/m${i}`, timestamp: 0, input_tokens: tokens, output_tokens: tokens });
        const oneSide = new Oracle(rates[i]!.replace(".e", "e")).times(tokens).times(1e9).toDecimalPlaces(0, Big.ROUND_HALF_EVEN);
        expect(priced.cost_nano!.toString()).toBe(oneSide.times(2).toFixed(0));
        expect(formatDecimal(priced.components[0]!.brackets[0]!.rate)).toBe(new Oracle(rates[i]!.replace(".e", "e")).toFixed());
      }),
      { numRuns: 1000 },
    );
  });
});
