import { MAX_ROW_COST_NANO } from "../lib/limits.ts";
import { formatNano, parseDecimal, toNano } from "../pricing/money.ts";
import type { PolicyBook } from "../policies/load-policies.ts";
import type { PricingBook } from "../pricing/load-pricing.ts";
import type { IngestItem, LogRow, Reject } from "../schemas/log-row.ts";
import { attribute } from "../stages/attribute/index.ts";
import { COMPONENTS, createRowPricer, type PriceColumns } from "../stages/price/index.ts";
import { validateMetadata } from "../stages/validate/index.ts";
import type { ColumnData } from "../parquet/file-writer.ts";
import { hashRequestId } from "./dedupe-set.ts";
import { focusTagKeys, requestsOf, rollupMetadataKeys, ROLLUP_DIMENSIONS } from "../schemas/fields.ts";
import { PartialRollupBuilder, type PartialRollup } from "./rollup.ts";
import { COLUMN, SegmentBuilder } from "./segment-builder.ts";

/** What every thread needs to process rows: the same on all of them. */
export interface ProcessConfig {
  book: PricingBook;
  policies: PolicyBook;
  /** Price refs and reasons are made relative to this folder (the pricing folder's parent). */
  refBase: string;
  pricingVersion: string;
  since?: string;
  until?: string;
}

/** Outcomes of valid rows that are not priced rows of a segment. */
export const OUT_OF_WINDOW = -1;
export const VIRTUAL_PARENT = -2;
export const PRICE_REJECT = -3;

export interface Segment {
  day: string;
  rows: number;
  columns: ColumnData[];
  rollup: PartialRollup;
  /** Per row: the price fields its price in force depends on (a mask of schemas/price-fields.ts). */
  depends: Uint16Array;
}

/** Everything a chunk of input turned into, before the main thread removes duplicates. */
export interface ChunkResult {
  /** Items read: rows and ingest rejects (a whole-file problem is one item). */
  items: number;
  /** Ingest rejects (bad JSON, wrong types…): they never reach dedupe. */
  rejects: Reject[];
  /** Valid rows, in input order: 3 hash words each, the outcome (≥ 0: segment index) and position (row in segment, or index into priceRejects). */
  valid: number;
  hashes: Uint32Array;
  outcome: Int32Array;
  position: Int32Array;
  priceRejects: Reject[];
  segments: Segment[];
}

const DAY_MS = 86_400_000;
const MAX_CAPACITY_HINT = 1 << 16;
// addRow writes the component columns one by one: it must name every component.
const WRITTEN_COMPONENTS =
  "input cache_read cache_write cache_write_1h input_audio output output_audio request input_image output_image input_character input_second output_second query page";
if (COMPONENTS.join(" ") !== WRITTEN_COMPONENTS)
  throw new Error(`chunk-processor.ts writes the components ${WRITTEN_COMPONENTS}, not ${COMPONENTS.join(" ")}`);
const ROLLUP_INDEX = ROLLUP_DIMENSIONS.map((c) => COLUMN[c]);

/**
 * Attributes, validates and prices rows (SPEC 4.4, 5.3, 5.4) into per-day column segments
 * and their partial rollups. One per thread, reused chunk after chunk; `take()` hands the
 * chunk's result over and starts the next. Per row: window, virtual parent, price (a reject
 * when its counts contradict it or its cost is over the limit), attribute, validate.
 */
export class ChunkProcessor {
  private readonly price: ReturnType<typeof createRowPricer>;
  private readonly metadataKeys: string[];
  private readonly dayNames = new Map<number, string>();
  private state = emptyState();
  private readonly codes = new Int32Array(ROLLUP_DIMENSIONS.length);
  private readonly tokens = [0, 0, 0, 0, 0];
  private capacityHint = 1024;

  constructor(private readonly config: ProcessConfig) {
    this.price = createRowPricer(config.book, config.refBase);
    this.metadataKeys = rollupMetadataKeys(
      config.policies.extracts,
      config.policies.siteMetadataKeys,
      focusTagKeys(config.policies.focusTags),
      config.policies.budgetKeys,
    );
  }

  get pricingVersion(): string {
    return this.config.pricingVersion;
  }

  /** Items added since the last `take()`. */
  get pending(): number {
    return this.state.items;
  }

  get rollupMetadataKeys(): string[] {
    return this.metadataKeys;
  }

  /** One input item; `file` is the display path written to rejects and `source_file`. */
  add(item: IngestItem, file: string): void {
    if (item.kind === "reject") {
      this.addReject({ file, line: item.line, reason: item.reason, raw: item.raw });
      return;
    }
    this.addItemRow(item.row, file, item.line);
  }

  addReject(reject: Reject): void {
    this.state.items++;
    this.state.rejects.push(reject);
  }

  /** A valid row read from the input (counted as an item). */
  addItemRow(row: LogRow, file: string, line: number): void {
    this.state.items++;
    this.addRow(row, file, line);
  }

  /**
   * A priced row read back to be priced again (`costs restate`, restate/read-priced-days.ts),
   * counted as an item: `file` and `line` are its original lineage, `metadata` in `row` is
   * already after the tag injection of its first pricing, and `overrides` the keys that
   * injection replaced (the client's values are gone): they stay listed, with any key the
   * current tags replace now.
   */
  addRestatedRow(row: LogRow, file: string, line: number, overrides: string[]): void {
    this.state.items++;
    this.addRow(row, file, line, overrides);
  }

  private addRow(row: LogRow, file: string, line: number, earlierOverrides?: string[]): void {
    const s = this.state;
    const v = s.valid++;
    if (v === s.outcome.length) this.growValid();
    hashRequestId(row.request_id, s.hashes, v * 3);
    const dayNumber = Math.floor(row.timestamp / DAY_MS);
    let date = this.dayNames.get(dayNumber);
    if (date === undefined) this.dayNames.set(dayNumber, (date = new Date(dayNumber * DAY_MS).toISOString().slice(0, 10)));
    const { since, until } = this.config;
    if ((since && date < since) || (until && date > until)) {
      s.outcome[v] = OUT_OF_WINDOW;
      return;
    }
    if (row.virtual_model !== null) {
      s.outcome[v] = VIRTUAL_PARENT;
      return;
    }
    const priced = this.price(row);
    const problem = "reject" in priced ? priced.reject : costOverLimit(priced);
    if (problem !== undefined) {
      s.outcome[v] = PRICE_REJECT;
      s.position[v] = s.priceRejects.length;
      s.priceRejects.push({ file, line, reason: problem, raw: JSON.stringify(row).slice(0, 4096) });
      return;
    }
    const price = priced as PriceColumns; // no reject (checked above)
    const attribution = attribute(row, this.config.policies);
    if (earlierOverrides !== undefined && earlierOverrides.length > 0)
      attribution.overrides = mergeOverrides(earlierOverrides, attribution.overrides);
    const policy = validateMetadata(row, attribution, this.config.policies);

    let segment = s.segments.get(date);
    if (!segment) {
      segment = {
        index: s.segments.size,
        builder: new SegmentBuilder(date, this.capacityHint),
        rollup: new PartialRollupBuilder(this.metadataKeys),
        depends: new Uint16Array(this.capacityHint),
      };
      s.segments.set(date, segment);
    }
    const b = segment.builder;
    const r = b.next();
    s.outcome[v] = segment.index;
    s.position[v] = r;
    if (r === segment.depends.length) {
      const grown = new Uint16Array(r * 2);
      grown.set(segment.depends);
      segment.depends = grown;
    }
    segment.depends[r] = price.depends;
    b.text(COLUMN.request_id, r, row.request_id);
    b.number(COLUMN.timestamp, r, row.timestamp);
    b.dict(COLUMN.date, r, date);
    b.dict(COLUMN.model, r, row.model);
    b.dict(COLUMN.provider_account, r, price.provider_account);
    b.dict(COLUMN.provider, r, price.provider);
    b.dict(COLUMN.provider_model, r, price.provider_model);
    b.dict(COLUMN.region, r, price.region);
    b.dict(COLUMN.subject_type, r, row.subject_type);
    b.dict(COLUMN.subject, r, row.subject);
    b.dict(COLUMN.user, r, attribution.user);
    b.dict(COLUMN.virtual_account, r, attribution.virtual_account);
    b.dict(COLUMN.pat_name, r, row.pat_name);
    b.dict(COLUMN.teams, r, this.teamsJson(row.teams));
    b.dict(COLUMN.team, r, attribution.team);
    b.number(COLUMN.input_tokens, r, row.input_tokens);
    b.number(COLUMN.cache_read_tokens, r, row.cache_read_tokens);
    b.number(COLUMN.cache_write_tokens, r, row.cache_write_tokens);
    b.number(COLUMN.cache_write_1h_tokens, r, row.cache_write_1h_tokens ?? 0);
    b.number(COLUMN.output_tokens, r, row.output_tokens);
    b.number(COLUMN.reasoning_tokens, r, row.reasoning_tokens);
    b.number(COLUMN.input_audio_tokens, r, row.input_audio_tokens);
    b.number(COLUMN.output_audio_tokens, r, row.output_audio_tokens);
    b.dict(COLUMN.input_images, r, row.input_images);
    b.dict(COLUMN.output_images, r, row.output_images);
    b.dict(COLUMN.input_characters, r, row.input_characters);
    b.dict(COLUMN.input_seconds, r, row.input_seconds);
    b.dict(COLUMN.output_seconds, r, row.output_seconds);
    b.dict(COLUMN.queries, r, row.queries);
    b.dict(COLUMN.pages, r, row.pages);
    b.bool(COLUMN.batch, r, row.batch);
    b.dict(COLUMN.service_tier, r, row.service_tier);
    b.number(COLUMN.status_code, r, row.status_code);
    b.dict(COLUMN.virtual_model, r, row.virtual_model);
    b.text(COLUMN.metadata, r, sortedJson(attribution.metadata));
    b.dict(COLUMN.metadata_overrides, r, attribution.overrides.length === 0 ? "[]" : JSON.stringify(attribution.overrides));
    b.bigint(COLUMN.reported_cost_usd, r, row.reported_cost_usd === null ? null : toNano(parseDecimal(row.reported_cost_usd)));
    b.bool(COLUMN.gateway_cache_hit, r, row.gateway_cache_hit);
    b.number(COLUMN.calls, r, row.calls ?? null);
    b.dict(COLUMN.price_source, r, price.price_source);
    b.dict(COLUMN.price_ref, r, price.price_ref);
    b.dict(COLUMN.pricing_mode, r, price.pricing_mode);
    b.dict(COLUMN.tier, r, price.tier);
    b.dict(COLUMN.unpriced_reason, r, price.unpriced_reason);
    // One named read per component (a loop over names is a slow keyed lookup on every row).
    const parts = price.components;
    b.bigint(COLUMN.input_cost_usd, r, parts.input);
    b.bigint(COLUMN.cache_read_cost_usd, r, parts.cache_read);
    b.bigint(COLUMN.cache_write_cost_usd, r, parts.cache_write);
    b.bigint(COLUMN.cache_write_1h_cost_usd, r, parts.cache_write_1h);
    b.bigint(COLUMN.input_audio_cost_usd, r, parts.input_audio);
    b.bigint(COLUMN.output_cost_usd, r, parts.output);
    b.bigint(COLUMN.output_audio_cost_usd, r, parts.output_audio);
    b.bigint(COLUMN.request_cost_usd, r, parts.request);
    b.bigint(COLUMN.input_image_cost_usd, r, parts.input_image);
    b.bigint(COLUMN.output_image_cost_usd, r, parts.output_image);
    b.bigint(COLUMN.input_character_cost_usd, r, parts.input_character);
    b.bigint(COLUMN.input_second_cost_usd, r, parts.input_second);
    b.bigint(COLUMN.output_second_cost_usd, r, parts.output_second);
    b.bigint(COLUMN.query_cost_usd, r, parts.query);
    b.bigint(COLUMN.page_cost_usd, r, parts.page);
    b.bigint(COLUMN.cost_usd, r, price.cost_nano);
    b.bigint(COLUMN.list_cost_usd, r, price.list_cost_nano);
    b.dict(COLUMN.policy_status, r, policy.policy_status);
    b.dict(COLUMN.policy_violations, r, policy.policy_violations.length === 0 ? "[]" : JSON.stringify(policy.policy_violations));
    b.dict(COLUMN.pricing_version, r, this.config.pricingVersion);
    b.dict(COLUMN.source_file, r, file);
    b.number(COLUMN.source_line, r, line);

    const codes = this.codes;
    for (let i = 0; i < ROLLUP_INDEX.length; i++) codes[i] = b.codeAt(ROLLUP_INDEX[i]!, r);
    const tokens = this.tokens;
    // In ROLLUP_COUNTS order after `requests` (named reads: a loop over names would be a keyed lookup per row).
    tokens[0] = row.input_tokens;
    tokens[1] = row.cache_read_tokens;
    tokens[2] = row.cache_write_tokens;
    tokens[3] = row.output_tokens;
    tokens[4] = row.reasoning_tokens;
    const requests = requestsOf(row.calls); // an aggregate row counts as its calls
    segment.rollup.add(
      r,
      codes,
      attribution.metadata,
      requests,
      tokens,
      price.cost_nano,
      price.list_cost_nano,
      price.price_source === "unpriced",
    );
  }

  private lastTeams: string[] = [];
  private lastTeamsJson = "[]";

  private readonly oneTeamJson = new Map<string, string>();

  /** JSON of a row's teams; most rows have one team of a few, and consecutive rows often the same ones. */
  private teamsJson(teams: string[]): string {
    if (teams.length === 1) {
      const team = teams[0]!;
      let json = this.oneTeamJson.get(team);
      if (json === undefined) {
        json = JSON.stringify(teams);
        if (this.oneTeamJson.size < 4096) this.oneTeamJson.set(team, json);
      }
      return json;
    }
    const last = this.lastTeams;
    if (teams.length === last.length) {
      let same = true;
      for (let i = 0; i < teams.length && same; i++) same = teams[i] === last[i];
      if (same) return this.lastTeamsJson;
    }
    this.lastTeams = teams;
    return (this.lastTeamsJson = JSON.stringify(teams));
  }

  /** The chunk's result (buffers ready to transfer); the processor starts a new chunk. */
  take(): ChunkResult {
    const s = this.state;
    // The next chunk's segments start with room for as many rows as this chunk's largest (no doubling on the way).
    let largest = 1024;
    for (const { builder } of s.segments.values()) largest = Math.max(largest, builder.rows);
    this.capacityHint = Math.min(largest, MAX_CAPACITY_HINT);
    const segments = [...s.segments.values()].map(({ builder, rollup, depends }) => ({
      day: builder.day,
      rows: builder.rows,
      columns: builder.finish(),
      rollup: rollup.finish(builder.rows),
      depends: depends.slice(0, builder.rows),
    }));
    const result: ChunkResult = {
      items: s.items,
      rejects: s.rejects,
      valid: s.valid,
      hashes: s.hashes.slice(0, s.valid * 3),
      outcome: s.outcome.slice(0, s.valid),
      position: s.position.slice(0, s.valid),
      priceRejects: s.priceRejects,
      segments,
    };
    this.state = emptyState();
    return result;
  }

  private growValid(): void {
    const s = this.state;
    const n = s.outcome.length * 2;
    const hashes = new Uint32Array(n * 3);
    hashes.set(s.hashes);
    const outcome = new Int32Array(n);
    outcome.set(s.outcome);
    const position = new Int32Array(n);
    position.set(s.position);
    s.hashes = hashes;
    s.outcome = outcome;
    s.position = position;
  }
}

/**
 * Why a priced row cannot be written exactly, if it cannot: money columns are DECIMAL(18,9)
 * (nano-USD in an INT64), so a row's cost and list cost must stay below 10^9 USD. Every
 * component is at most the cost (rates are never negative), so the two totals decide.
 */
export function costOverLimit(price: PriceColumns): string | undefined {
  for (const [name, nano] of [
    ["cost_usd", price.cost_nano],
    ["list_cost_usd", price.list_cost_nano],
  ] as const) {
    if (nano !== null && (nano > MAX_ROW_COST_NANO || nano < -MAX_ROW_COST_NANO)) {
      return `${name} ${formatNano(nano)} is too large: a row's cost must be below 1,000,000,000 USD (DECIMAL(18,9) money columns)`;
    }
  }
  return undefined;
}

/** The keys of `earlier` in their order, then those of `now` not among them. */
export function mergeOverrides(earlier: string[], now: string[]): string[] {
  if (now.length === 0) return earlier;
  const merged = [...earlier];
  for (const key of now) if (!merged.includes(key)) merged.push(key);
  return merged;
}

/** JSON of a string map with its keys in sorted order (usually they already are: then no copy is made). */
export function sortedJson(object: Record<string, string>): string {
  const keys = Object.keys(object);
  // Insertion sort: metadata has a handful of keys, often already in order.
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = key;
  }
  if (keys.some(isIndexKey)) {
    // JSON.stringify puts integer-like keys first whatever the order they were added in.
    const copy: Record<string, string> = {};
    for (const key of keys) copy[key] = object[key]!;
    return JSON.stringify(copy);
  }
  let json = "{";
  for (let i = 0; i < keys.length; i++) {
    if (i > 0) json += ",";
    json += `${jsonString(keys[i]!)}:${jsonString(object[keys[i]!]!)}`;
  }
  return `${json}}`;
}

// eslint-disable-next-line no-control-regex -- the characters JSON must escape are control characters
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** JSON.stringify of a string, without the call for the common string that needs no escaping. */
function jsonString(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

function isIndexKey(key: string): boolean {
  const c = key.charCodeAt(0);
  return c >= 48 && c <= 57 && /^(0|[1-9]\d*)$/.test(key) && Number(key) < 4294967295;
}

/** What the processor gathers for the chunk in hand. */
function emptyState() {
  return {
    items: 0,
    rejects: [] as Reject[],
    valid: 0,
    hashes: new Uint32Array(3 * 4096),
    outcome: new Int32Array(4096),
    position: new Int32Array(4096),
    priceRejects: [] as Reject[],
    segments: new Map<string, { index: number; builder: SegmentBuilder; rollup: PartialRollupBuilder; depends: Uint16Array }>(),
  };
}
