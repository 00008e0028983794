/**
 * The canonical fields (SPEC 3) that can change what a call costs, and what a run assumes
 * when an input file has no value for one of them in any row (docs/pipeline.md, "Missing
 * price columns"). No imports: the site reads the manifest's report of them by these names.
 *
 * `always`: a missing field is reported for every file without it, even when none of its
 * rows' prices depend on it (cache tokens, region, batch and tier are what gateway exports
 * most often leave out); the others only when some row's price in force depends on them.
 * `depends` says what makes a row's price depend on the field (pricing/price-dependence.ts).
 */
export const PRICE_FIELDS = [
  { field: "cache_read_tokens", always: true, assumption: "no cache reads (0)", depends: "a cache-read rate" },
  { field: "cache_write_tokens", always: true, assumption: "no cache writes (0)", depends: "a cache-write rate" },
  {
    field: "region",
    always: true,
    assumption: "the account's region (else the catalog's default)",
    depends: "prices that differ by region",
  },
  { field: "batch", always: true, assumption: "not batch", depends: "batch rates" },
  { field: "service_tier", always: true, assumption: "standard tier", depends: "priority pricing" },
  { field: "input_audio_tokens", always: false, assumption: "no audio input (0)", depends: "an input audio rate" },
  { field: "output_audio_tokens", always: false, assumption: "no audio output (0)", depends: "an output audio rate" },
  { field: "input_images", always: false, assumption: "no input images", depends: "a per-image input rate" },
  { field: "output_images", always: false, assumption: "no output images", depends: "a per-image output rate" },
  { field: "input_characters", always: false, assumption: "no input characters", depends: "a per-character rate" },
  { field: "input_seconds", always: false, assumption: "no input seconds", depends: "a per-second input rate" },
  { field: "output_seconds", always: false, assumption: "no output seconds", depends: "a per-second output rate" },
  { field: "queries", always: false, assumption: "no queries", depends: "a per-query rate" },
  { field: "pages", always: false, assumption: "no pages", depends: "a per-page rate" },
  {
    field: "cache_write_1h_tokens",
    always: false,
    assumption: "every cache write a 5-minute write",
    depends: "a 1-hour cache-write rate",
  },
] as const;

export type PriceField = (typeof PRICE_FIELDS)[number]["field"];

/** The bit of each price field in a mask (bit i = PRICE_FIELDS[i]). */
export const PRICE_FIELD_BIT = Object.fromEntries(PRICE_FIELDS.map((f, i) => [f.field, 1 << i])) as Record<PriceField, number>;

/** Every price field's bit. */
export const ALL_PRICE_FIELDS = (1 << PRICE_FIELDS.length) - 1;

/** The fields of a mask, in PRICE_FIELDS order. */
export function priceFieldsOf(mask: number): PriceField[] {
  return PRICE_FIELDS.filter((_, i) => (mask & (1 << i)) !== 0).map((f) => f.field);
}
