import type { TraceSource } from "./load-trace-source.ts";
import type { Rng } from "./prng.ts";
import { VIRTUAL_ACCOUNTS } from "./population.ts";

/** The usage fields of one model call, in SPEC 3 names; absent = 0 / not set. */
export interface Usage {
  model: string;
  region?: string;
  input_tokens: number;
  cache_read_tokens?: number;
  cache_write_tokens?: number;
  output_tokens: number;
  reasoning_tokens?: number;
  input_audio_tokens?: number;
  output_audio_tokens?: number;
  output_images?: number;
  input_characters?: number;
  input_seconds?: number;
  queries?: number;
  pages?: number;
  batch?: boolean;
  service_tier?: string;
}

/** Three kinds of traffic with their own daily rhythm (see draw-arrivals.ts). */
export type Stream = "users" | "services" | "batch";

export interface UsageContext {
  rng: Rng;
  traces: TraceSource;
  /** Force a prompt above 200,000 tokens where the workload has long prompts. */
  long?: boolean;
}

export type DrawUsage = (ctx: UsageContext) => Usage;

interface WorkloadBase {
  id: string;
  stream: Stream;
  /** Relative share within its stream. */
  weight: number;
  /** A virtual account name, or "user" for a user of the population. */
  subject: string;
}

/**
 * One kind of call: a model call drawn by `usage`, or a virtual-model (routing) call whose
 * `attempts` are tried in order until one succeeds.
 */
export type Workload = WorkloadBase &
  ({ usage: DrawUsage; route?: undefined } | { route: { virtual_model: string; attempts: readonly DrawUsage[] }; usage?: undefined });

/** `n` scaled by a uniform factor in [lo, hi], rounded. */
const scale = (rng: Rng, n: number, lo: number, hi: number) => Math.round(n * (lo + (hi - lo) * rng.next()));
/** A share of `n` in [lo, hi], rounded down. */
const part = (rng: Rng, n: number, lo: number, hi: number) => Math.floor(n * (lo + (hi - lo) * rng.next()));

/** A chat call sized from the conversation trace, with OpenAI-style automatic prompt caching. */
function chat(model: string, opts: { promptScale?: [number, number]; cacheShare?: number; priority?: number; tierLabel?: boolean } = {}) {
  return ({ rng, traces }: UsageContext): Usage => {
    const { context, generated } = traces.draw(rng, "conv");
    const [lo, hi] = opts.promptScale ?? [1, 1];
    const input = Math.max(1, scale(rng, context, lo, hi));
    const usage: Usage = { model, input_tokens: input, output_tokens: generated };
    // OpenAI caches prompts of 1,024 tokens and more, in 128-token steps.
    if (input >= 1024 && rng.chance(opts.cacheShare ?? 0)) usage.cache_read_tokens = Math.floor(part(rng, input, 0.3, 0.9) / 128) * 128;
    if (opts.priority && rng.chance(opts.priority)) usage.service_tier = "priority";
    else if (opts.tierLabel && rng.chance(0.5)) usage.service_tier = "default";
    return usage;
  };
}

/** An agentic coding call on Claude: large prompts from the code trace, heavy prompt caching, some long prompts. */
function claudeCoding(model: string, longShare: number) {
  return ({ rng, traces, long }: UsageContext): Usage => {
    const { context, generated } = traces.draw(rng, "code");
    const isLong = long || rng.chance(longShare);
    const input = isLong ? rng.int(200_001, 720_000) : Math.min(190_000, context * rng.pick([3, 6, 10, 18, 30]) + rng.int(2_000, 12_000));
    const output = generated * rng.int(2, 9) + rng.int(20, 400);
    const usage: Usage = { model, input_tokens: input, output_tokens: output };
    if (rng.chance(0.7)) usage.cache_read_tokens = part(rng, input, 0.55, 0.95);
    if (rng.chance(0.3)) usage.cache_write_tokens = part(rng, input - (usage.cache_read_tokens ?? 0), 0.2, 1);
    if (rng.chance(0.25)) usage.reasoning_tokens = part(rng, output, 0.2, 0.6);
    return usage;
  };
}

/** Gemini 2.5: thinking models, prompts from the chat trace with documents attached, some long. */
function gemini(model: string, longShare: number) {
  return ({ rng, traces, long }: UsageContext): Usage => {
    const { context, generated } = traces.draw(rng, "conv");
    const isLong = long || rng.chance(longShare);
    const input = isLong ? rng.int(200_001, 950_000) : Math.min(199_000, scale(rng, context, 1, 12));
    const reasoning = scale(rng, generated, 0.5, 4);
    const usage: Usage = { model, input_tokens: input, output_tokens: generated + reasoning, reasoning_tokens: reasoning };
    if (rng.chance(0.15)) usage.cache_read_tokens = part(rng, input, 0.4, 0.9);
    return usage;
  };
}

function withRegion(regions: ReadonlyArray<readonly [string | undefined, number]>, inner: DrawUsage) {
  return (ctx: UsageContext): Usage => {
    const usage = inner(ctx);
    const region = ctx.rng.weighted(regions);
    return region === undefined ? usage : { ...usage, region };
  };
}

function batch(inner: DrawUsage) {
  return (ctx: UsageContext): Usage => ({ ...inner(ctx), batch: true });
}

const embedding =
  (model: string) =>
  ({ rng, traces }: UsageContext): Usage => ({
    model,
    input_tokens: Math.max(8, scale(rng, traces.draw(rng, "conv").context, 0.2, 1.5)),
    output_tokens: 0,
  });

const { checkout, search, support, batch: nightly, evals } = VIRTUAL_ACCOUNTS;

// Nova Lite is priced per region and has no "*" entry: sa-east-1 calls come out unpriced.
const NOVA_LITE_REGIONS = [
  [undefined, 20],
  ["us-west-2", 20],
  ["us-east-1", 20],
  ["eu-west-1", 15],
  ["eu-central-1", 10],
  ["ap-northeast-1", 8],
  ["sa-east-1", 7],
] as const;

/** The sample's traffic mix. Shares are per stream; see data/sample/README.md for the totals. */
export const WORKLOADS: readonly Workload[] = [
  // People, from notebooks, scripts and internal tools.
  {
    id: "user-gpt-4o",
    stream: "users",
    weight: 20,
    subject: "user",
    usage: chat("openai-main/gpt-4o", { promptScale: [1, 3], cacheShare: 0.25, priority: 0.03, tierLabel: true }),
  },
  {
    id: "user-gpt-4o-mini",
    stream: "users",
    weight: 10,
    subject: "user",
    usage: chat("openai-main/gpt-4o-mini", { cacheShare: 0.2, tierLabel: true }),
  },
  {
    id: "user-gpt-4.1",
    stream: "users",
    weight: 10,
    subject: "user",
    usage: chat("openai-main/gpt-4.1", { promptScale: [1, 4], cacheShare: 0.25, priority: 0.08, tierLabel: true }),
  },
  { id: "user-claude-sonnet", stream: "users", weight: 20, subject: "user", usage: claudeCoding("anthropic-main/claude-sonnet-4-5", 0.03) },
  {
    id: "user-claude-haiku",
    stream: "users",
    weight: 4,
    subject: "user",
    usage: chat("anthropic-main/claude-haiku-4-5", { promptScale: [1, 2] }),
  },
  { id: "user-claude-opus", stream: "users", weight: 2, subject: "user", usage: claudeCoding("anthropic-main/claude-opus-4-1", 0) },
  { id: "user-gemini-pro", stream: "users", weight: 10, subject: "user", usage: gemini("gemini/gemini-2.5-pro", 0.08) },
  { id: "user-gemini-flash", stream: "users", weight: 6, subject: "user", usage: chat("gemini/gemini-2.5-flash", { promptScale: [1, 6] }) },
  {
    id: "user-bedrock-haiku",
    stream: "users",
    weight: 2,
    subject: "user",
    usage: withRegion(
      [
        ["us-east-1", 1],
        ["us-west-2", 1],
      ],
      chat("bedrock-prod/claude-haiku"),
    ),
  },
  { id: "user-sonar", stream: "users", weight: 4, subject: "user", usage: chat("perplexity/sonar") },
  {
    id: "user-dall-e",
    stream: "users",
    weight: 2,
    subject: "user",
    usage: ({ rng }) => ({
      model: "openai-main/dall-e-3",
      input_tokens: 0,
      output_tokens: 0,
      output_images: rng.weighted([
        [1, 16],
        [2, 3],
        [4, 1],
      ]),
    }),
  },
  { id: "user-audio", stream: "users", weight: 1.5, subject: "user", usage: audio },
  // A model the gateway serves but no account file declares yet: unpriced.
  {
    id: "user-gpt-5-preview",
    stream: "users",
    weight: 0.6,
    subject: "user",
    usage: chat("openai-main/gpt-5-preview", { promptScale: [1, 3] }),
  },
  {
    id: "user-router",
    stream: "users",
    weight: 3,
    subject: "user",
    route: {
      virtual_model: "router/best-chat",
      attempts: [chat("anthropic-main/claude-sonnet-4-5", { promptScale: [1, 3] }), chat("openai-main/gpt-4o", { promptScale: [1, 3] })],
    },
  },

  // Services, through their virtual accounts.
  {
    id: "checkout-mini",
    stream: "services",
    weight: 9,
    subject: checkout.name,
    usage: chat("openai-main/gpt-4o-mini", { tierLabel: true }),
  },
  {
    id: "checkout-gpt-4.1",
    stream: "services",
    weight: 6,
    subject: checkout.name,
    usage: chat("openai-main/gpt-4.1", { cacheShare: 0.4, priority: 0.6, tierLabel: true }),
  },
  { id: "checkout-haiku", stream: "services", weight: 4, subject: checkout.name, usage: cachedChat("anthropic-main/claude-haiku-4-5") },
  {
    id: "checkout-router",
    stream: "services",
    weight: 2,
    subject: checkout.name,
    route: { virtual_model: "router/cheap-chat", attempts: [chat("gemini/gemini-2.5-flash"), chat("openai-main/gpt-4o-mini")] },
  },
  { id: "search-embed", stream: "services", weight: 12, subject: search.name, usage: embedding("openai-main/text-embedding-3-small") },
  {
    id: "search-rerank",
    stream: "services",
    weight: 4,
    subject: search.name,
    usage: ({ rng }) => ({
      model: "cohere-main/rerank",
      input_tokens: 0,
      output_tokens: 0,
      queries: rng.weighted([
        [1, 9],
        [2, 1],
      ]),
    }),
  },
  {
    id: "search-titan",
    stream: "services",
    weight: 3,
    subject: search.name,
    usage: withRegion([["us-west-2", 1]], embedding("bedrock-prod/titan-embed")),
  },
  {
    id: "search-nova-lite",
    stream: "services",
    weight: 9,
    subject: search.name,
    usage: withRegion(NOVA_LITE_REGIONS, chat("bedrock-prod/nova-lite", { promptScale: [0.5, 2] })),
  },
  {
    id: "support-ft",
    stream: "services",
    weight: 15,
    subject: support.name,
    usage: withRegion(
      [
        ["eastus", 4],
        ["swedencentral", 1],
      ],
      chat("azure-ft/support-bot-ft", { promptScale: [1, 3], cacheShare: 0.3 }),
    ),
  },
  {
    id: "support-gpt-4o",
    stream: "services",
    weight: 2,
    subject: support.name,
    usage: withRegion([["eastus", 1]], chat("azure-ft/gpt-4o")),
  },
  {
    id: "support-whisper",
    stream: "services",
    weight: 2,
    subject: support.name,
    usage: ({ rng }) => ({ model: "openai-main/whisper-1", input_tokens: 0, output_tokens: 0, input_seconds: rng.int(30, 3000) / 10 }),
  },
  {
    id: "support-tts",
    stream: "services",
    weight: 1.5,
    subject: support.name,
    usage: ({ rng }) => ({ model: "openai-main/tts-1", input_tokens: 0, output_tokens: 0, input_characters: rng.int(60, 1500) }),
  },
  { id: "support-audio", stream: "services", weight: 1.5, subject: support.name, usage: audio },
  { id: "evals-gemini-pro", stream: "services", weight: 2.5, subject: evals.name, usage: gemini("gemini/gemini-2.5-pro", 0.2) },
  {
    id: "evals-claude-sonnet",
    stream: "services",
    weight: 2.5,
    subject: evals.name,
    usage: claudeCoding("anthropic-main/claude-sonnet-4-5", 0.08),
  },
  {
    id: "evals-nova-pro",
    stream: "services",
    weight: 2,
    subject: evals.name,
    usage: withRegion(
      [
        ["us-west-2", 5],
        ["eu-west-1", 3],
        ["ap-south-1", 2],
      ],
      chat("bedrock-prod/nova-pro", { promptScale: [1, 4] }),
    ),
  },
  // An account the gateway has that pricing/accounts/ does not declare: unpriced.
  { id: "evals-mystery", stream: "services", weight: 0.5, subject: evals.name, usage: chat("mystery/model-x", { promptScale: [1, 3] }) },

  // The nightly batch jobs of data science, mostly through batch APIs.
  {
    id: "batch-gpt-4o-mini",
    stream: "batch",
    weight: 30,
    subject: nightly.name,
    usage: batch(chat("openai-main/gpt-4o-mini", { promptScale: [1, 3] })),
  },
  {
    id: "batch-claude-haiku",
    stream: "batch",
    weight: 15,
    subject: nightly.name,
    usage: batch(chat("anthropic-main/claude-haiku-4-5", { promptScale: [1, 3] })),
  },
  {
    id: "batch-gemini-2.0-flash",
    stream: "batch",
    weight: 15,
    subject: nightly.name,
    usage: batch(chat("gemini/gemini-2.0-flash", { promptScale: [1, 4] })),
  },
  {
    id: "batch-gpt-4.1",
    stream: "batch",
    weight: 10,
    subject: nightly.name,
    usage: batch(chat("openai-main/gpt-4.1", { promptScale: [1, 3] })),
  },
  {
    id: "batch-claude-sonnet",
    stream: "batch",
    weight: 8,
    subject: nightly.name,
    usage: batch(claudeCoding("anthropic-main/claude-sonnet-4-5", 0.05)),
  },
  // No batch rates in the catalog: priced like standard calls, with a note.
  {
    id: "batch-gemini-flash",
    stream: "batch",
    weight: 5,
    subject: nightly.name,
    usage: batch(chat("gemini/gemini-2.5-flash", { promptScale: [1, 4] })),
  },
  { id: "batch-gemini-pro", stream: "batch", weight: 5, subject: nightly.name, usage: batch(gemini("gemini/gemini-2.5-pro", 0.1)) },
  { id: "batch-embed", stream: "batch", weight: 5, subject: nightly.name, usage: batch(embedding("openai-main/text-embedding-3-small")) },
  {
    id: "batch-ocr",
    stream: "batch",
    weight: 7,
    subject: nightly.name,
    usage: ({ rng }) => ({ model: "mistral-main/ocr", input_tokens: 0, output_tokens: 0, pages: rng.int(1, 40) }),
  },
];

/** A realtime voice call: audio tokens are subsets of input and output. */
function audio({ rng, traces }: UsageContext): Usage {
  const { context, generated } = traces.draw(rng, "conv");
  const inputAudio = rng.int(200, 4_000);
  const outputAudio = rng.int(100, 3_000);
  return {
    model: "openai-main/gpt-4o-audio-preview",
    input_tokens: context + inputAudio,
    input_audio_tokens: inputAudio,
    output_tokens: generated + outputAudio,
    output_audio_tokens: outputAudio,
  };
}

/** A chat call with Anthropic prompt caching: a long cached system prompt, written now and then. */
function cachedChat(model: string) {
  return ({ rng, traces }: UsageContext): Usage => {
    const { context, generated } = traces.draw(rng, "conv");
    const system = 4_096;
    const usage: Usage = { model, input_tokens: context + system, output_tokens: generated };
    if (rng.chance(0.9)) usage.cache_read_tokens = system;
    else usage.cache_write_tokens = system;
    return usage;
  };
}

export const WORKLOAD_BY_ID: ReadonlyMap<string, Workload> = new Map(WORKLOADS.map((w) => [w.id, w]));
