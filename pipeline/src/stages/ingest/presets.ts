import type { CanonicalField, PresetName } from "../../schemas/column-mapping.schema.ts";
import { normaliseAnthropicUsage } from "./native/anthropic-usage.ts";
import type { Normaliser } from "./native/expanded.ts";
import { normaliseLitellm } from "./native/litellm.ts";
import { normaliseOpenaiUsage } from "./native/openai-usage.ts";
import { normaliseOtel } from "./native/otel.ts";
import { normalisePortkey } from "./native/portkey.ts";

export { loadColumnMapping } from "./load-column-mapping.ts";

/**
 * Where a preset finds each canonical field (SPEC 3) in an input record.
 *
 * A source is a column name; `a.b` reads key `b` of the object in column `a` when the
 * record has no column literally named `a.b`. With several sources the first one holding
 * a value (not absent, null or "") wins. Fields not listed are read from the column of
 * their canonical name.
 */
export interface PresetSpec {
  columns: Partial<Record<CanonicalField, ReadonlyArray<string>>>;
  /** request_id joins these columns with ":" (those present; e.g. TraceId:SpanId). */
  requestIdJoin?: ReadonlyArray<string>;
  /** Input counts leave out cache reads and writes: input_tokens = input + cache read + cache write. */
  inputExcludesCache: boolean;
  /** Columns of the export that are known and deliberately not read (never taken for misspellings). */
  knownColumns?: ReadonlyArray<string>;
  /**
   * Native formats (native/*.ts): turns each input record into records with the canonical
   * names, one per call (an OTLP batch or a usage-API page holds many), before the columns
   * are read. Such a preset reads every field by its canonical name.
   */
  normalise?: Normaliser;
}

/**
 * TrueFoundry AI Gateway metrics export (the model metrics table: CreatedAt, ModelName, …).
 * Documented mapping: CreatedAt, ModelName, InputTokens, OutputTokens, CostInUSD, Metadata,
 * CreatedBySubjectSlug, CreatedBySubjectType, Teams, VirtualModelName, TraceId + SpanId,
 * CacheHit (the gateway answered from its own cache: priced at CostInUSD, docs/pipeline.md).
 * Our reading of the other columns (names that may differ between export versions):
 * CacheReadInputTokens, CacheCreationInputTokens, ReasoningTokens, Region, StatusCode
 * (else HttpStatusCode), PersonalAccessTokenName, ServiceTier, IsBatch.
 */
const TRUEFOUNDRY: PresetSpec = {
  columns: {
    timestamp: ["CreatedAt"],
    model: ["ModelName"],
    input_tokens: ["InputTokens"],
    output_tokens: ["OutputTokens"],
    cache_read_tokens: ["CacheReadInputTokens"],
    cache_write_tokens: ["CacheCreationInputTokens"],
    reasoning_tokens: ["ReasoningTokens"],
    reported_cost_usd: ["CostInUSD"],
    metadata: ["Metadata"],
    subject: ["CreatedBySubjectSlug"],
    subject_type: ["CreatedBySubjectType"],
    teams: ["Teams"],
    virtual_model: ["VirtualModelName"],
    region: ["Region"],
    status_code: ["StatusCode", "HttpStatusCode"],
    pat_name: ["PersonalAccessTokenName"],
    service_tier: ["ServiceTier"],
    batch: ["IsBatch"],
    gateway_cache_hit: ["CacheHit"],
  },
  requestIdJoin: ["TraceId", "SpanId"],
  inputExcludesCache: false,
  knownColumns: [
    "ConversationId",
    "ModelId",
    "RequestedModelName",
    "VirtualModelSlug",
    "VirtualModelId",
    "VirtualModelTargetAttempt",
    "RequestType",
    "LatencyMs",
    "TimeToFirstTokenMs",
    "InterTokenLatencyMs",
    "Streaming",
    "AppliedConfigIds",
    "TfyMetadata",
    "IsFailure",
    "ErrorType",
    "ModelType",
    "CacheType",
    "PotentialCostSavings",
    "CacheLookupStatus",
    "CacheLookupLatencyMs",
    "CacheNamespace",
    "SemanticCacheSimilarityScore",
    "SemanticCacheSimilarityThreshold",
    "CreatedBySubjectId",
    "CreatedBySubject",
    "ProviderAccountType",
    "ProviderIntegrationType",
    "ProviderModelName",
  ],
};

/**
 * Anthropic-style usage, top-level or under `usage`: `input_tokens` leaves out
 * `cache_read_input_tokens` and `cache_creation_input_tokens`, so canonical input_tokens
 * is their sum. Every other field has its canonical name.
 */
const ANTHROPIC: PresetSpec = {
  columns: {
    input_tokens: ["input_tokens", "usage.input_tokens"],
    cache_read_tokens: ["cache_read_input_tokens", "usage.cache_read_input_tokens"],
    cache_write_tokens: ["cache_creation_input_tokens", "usage.cache_creation_input_tokens"],
    cache_write_1h_tokens: ["cache_creation.ephemeral_1h_input_tokens", "usage.cache_creation.ephemeral_1h_input_tokens"],
    output_tokens: ["output_tokens", "usage.output_tokens"],
  },
  inputExcludesCache: true,
};

/** The built-in presets; `canonical` reads the SPEC 3 names as they are. */
export const PRESETS: Readonly<Record<PresetName, PresetSpec>> = {
  canonical: { columns: {}, inputExcludesCache: false },
  truefoundry: TRUEFOUNDRY,
  anthropic: ANTHROPIC,
  litellm: { columns: {}, inputExcludesCache: false, normalise: normaliseLitellm },
  otel: { columns: {}, inputExcludesCache: false, normalise: normaliseOtel },
  portkey: { columns: {}, inputExcludesCache: false, normalise: normalisePortkey },
  "openai-usage": { columns: {}, inputExcludesCache: false, normalise: normaliseOpenaiUsage },
  // uncached_input_tokens leaves out cache reads and writes
  "anthropic-usage": { columns: {}, inputExcludesCache: true, normalise: normaliseAnthropicUsage },
};
