import { HOSTILE_METADATA } from "./draw-metadata.ts";
import { LISTED_PATS, UNLISTED_PAT } from "./population.ts";
import type { Rng } from "./prng.ts";

/**
 * A call the sample must contain however it is drawn, so that every edge case the
 * pipeline, the report and the extracts have to handle appears at least once in any sample
 * of 60 rows or more (twice the number of scenarios), at a seeded position spread over the
 * window. The rest of the sample is drawn by the workload weights and contains most of
 * these cases again, at their natural rates.
 */
export interface Scenario {
  /** A workload id of workloads.ts. */
  workload: string;
  /** A prompt above 200,000 tokens. */
  long?: boolean;
  /** Exactly this many prompt tokens, no cache (the tier boundary). */
  prompt?: number;
  region?: string;
  status?: 429 | 500;
  /** Call with this PAT, by its user. */
  pat?: string;
  /** Index into HOSTILE_METADATA. */
  hostile?: number;
  /** Repeat the row later in the file. */
  duplicate?: boolean;
  priority?: boolean;
  /** A virtual-model call whose first attempt fails. */
  failFirst?: boolean;
}

export const FORCED_SCENARIOS: readonly Scenario[] = [
  ...HOSTILE_METADATA.map((_, hostile) => ({ workload: "user-gpt-4o-mini", hostile })),
  { workload: "user-gemini-pro", long: true },
  { workload: "user-gemini-pro", prompt: 200_000 },
  { workload: "user-gemini-pro", prompt: 200_001 },
  { workload: "user-claude-sonnet", long: true },
  { workload: "user-gpt-5-preview" },
  { workload: "evals-mystery" },
  { workload: "search-nova-lite", region: "sa-east-1" },
  { workload: "user-router", failFirst: true },
  { workload: "checkout-router" },
  { workload: "user-gpt-4o", duplicate: true },
  { workload: "checkout-gpt-4.1", priority: true },
  { workload: "batch-gpt-4o-mini" },
  { workload: "batch-claude-sonnet", long: true },
  { workload: "user-gpt-4o", status: 429 },
  { workload: "support-ft", status: 500 },
  { workload: "user-claude-haiku", pat: UNLISTED_PAT },
  { workload: "user-gpt-4o", pat: Object.entries(LISTED_PATS).find(([, p]) => p.team === undefined)![0] },
  { workload: "user-audio" },
  { workload: "user-dall-e" },
  { workload: "support-whisper" },
  { workload: "support-tts" },
  { workload: "search-embed" },
  { workload: "search-rerank" },
  { workload: "batch-ocr" },
];

/**
 * Where each scenario goes: arrival indexes in ascending order, spread evenly over `rows`
 * with seeded jitter. A scenario whose arrival is taken (by a virtual-model call's attempts
 * or a duplicate) moves to the next free one. Samples too small for all of them get none.
 */
export function placeScenarios(rng: Rng, rows: number): Array<{ index: number; scenario: Scenario }> {
  const n = FORCED_SCENARIOS.length;
  if (rows < 2 * n) return [];
  return FORCED_SCENARIOS.map((scenario, j) => ({ index: Math.floor(((j + rng.next()) * rows) / n), scenario }));
}
