import { PipelineError } from "../lib/errors.ts";
import { parseTimestamp } from "../lib/parse-timestamp.ts";
import { drawArrivals } from "./draw-arrivals.ts";
import { drawServiceMetadata, drawUserMetadata, HOSTILE_METADATA, type Metadata } from "./draw-metadata.ts";
import { placeScenarios, type Scenario } from "./forced-scenarios.ts";
import { gatewayCost } from "./gateway-cost.ts";
import { loadTraceSource, resolveTraceSource, type TraceMode, type TraceSource, type TraceSourceInfo } from "./load-trace-source.ts";
import { USERS, VIRTUAL_ACCOUNTS, type SampleUser } from "./population.ts";
import { createRng, type Rng } from "./prng.ts";
import { customerRoster, sampleCustomers, sampleUsers, userRoster, type Roster } from "./scale-population.ts";
import { failedUsage, toSampleRow, type CallParts } from "./to-sample-row.ts";
import { WORKLOAD_BY_ID, WORKLOADS, type Stream, type Usage, type Workload } from "./workloads.ts";

export interface SampleOptions {
  /** Number of rows to yield, exactly (parents, attempts and duplicates included). */
  rows: number;
  /** First UTC day of the window, YYYY-MM-DD. */
  start: string;
  /** Length of the window in days. */
  days: number;
  seed?: number;
  /** "auto": the real traces when present, else the built-in distributions. */
  traces?: TraceMode;
  /** Folder of the trace files; defaults to ../shared/traces beside the repository. */
  tracesDir?: string;
  /**
   * Distinct users (≥ 25): the named users of the policies, then synthetic ones; each
   * appears at least once when the sample has enough user calls. Absent: the 25 named users.
   */
  users?: number;
  /**
   * Distinct well-formed `customer_id` metadata values (≥ 1); each appears at least once
   * when the sample has enough calls with a customer id. Absent: 150 customers.
   */
  metadataValues?: number;
}

export const DEFAULT_SEED = 20260616;

/** Share of rows carrying the gateway's own cost figure. */
const REPORTED_SHARE = 0.3;
/** Share of single calls repeated later in the file (an overlapping export). */
const DUPLICATE_SHARE = 0.005;
/** Share of virtual-model calls whose first attempt fails and falls back. */
const FALLBACK_SHARE = 0.4;

/** Which token sizes and arrival rhythm `generateSample(options)` uses, for the CLI to print. */
export function sampleTraceSource(options: Pick<SampleOptions, "traces" | "tracesDir"> = {}): TraceSourceInfo {
  return resolveTraceSource(options.traces ?? "auto", options.tracesDir);
}

/**
 * A deterministic synthetic gateway log: the same options give the same rows, byte for
 * byte. Rows use the SPEC 3 field names and come in timestamp order, except the few exact
 * duplicates, which repeat an earlier row up to six hours later (as an overlapping export
 * would). Throws a PipelineError on invalid options, before yielding anything.
 */
export function generateSample(options: SampleOptions): Generator<Record<string, unknown>> {
  const { rows, days } = options;
  const seed = options.seed ?? DEFAULT_SEED;
  const startMs = /^\d{4}-\d{2}-\d{2}$/.test(options.start) ? parseTimestamp(options.start) : undefined;
  if (!Number.isSafeInteger(rows) || rows < 0)
    throw new PipelineError({ field: "rows", message: `must be a whole number ≥ 0, got ${rows}` });
  if (startMs === undefined)
    throw new PipelineError({
      field: "start",
      message: `must be a UTC date YYYY-MM-DD, got ${JSON.stringify(options.start)}`,
      hint: "e.g. 2026-06-16",
    });
  if (!Number.isSafeInteger(days) || days < 1)
    throw new PipelineError({ field: "days", message: `must be a whole number ≥ 1, got ${days}` });
  if (!Number.isSafeInteger(seed)) throw new PipelineError({ field: "seed", message: `must be a whole number, got ${seed}` });
  const { users, metadataValues } = options;
  if (users !== undefined && (!Number.isSafeInteger(users) || users < USERS.length || users > MAX_POPULATION))
    throw new PipelineError({
      field: "users",
      message: `must be a whole number from ${USERS.length} to ${MAX_POPULATION.toLocaleString("en-US")}, got ${users}`,
      hint: `the ${USERS.length} users of policies/ always take part`,
    });
  if (metadataValues !== undefined && (!Number.isSafeInteger(metadataValues) || metadataValues < 1 || metadataValues > MAX_POPULATION))
    throw new PipelineError({
      field: "metadata-values",
      message: `must be a whole number from 1 to ${MAX_POPULATION.toLocaleString("en-US")}, got ${metadataValues}`,
    });
  const traces = loadTraceSource(options.traces ?? "auto", options.tracesDir);
  return emitRows({
    rows,
    startMs,
    days,
    seed,
    traces,
    population: {
      ...(users !== undefined ? { users: userRoster(sampleUsers(users)) } : {}),
      ...(metadataValues !== undefined ? { customers: customerRoster(sampleCustomers(metadataValues)) } : {}),
    },
  });
}

/** The most users or metadata values `--users` / `--metadata-values` take. */
export const MAX_POPULATION = 1_000_000;

/** Who calls and which customers they name, when the options widen them. */
interface Population {
  users?: Roster<SampleUser>;
  customers?: Roster<string>;
}

function* emitRows(opts: {
  rows: number;
  startMs: number;
  days: number;
  seed: number;
  traces: TraceSource;
  population: Population;
}): Generator<Record<string, unknown>> {
  const { rows, seed, traces, population } = opts;
  const arrivals = drawArrivals(createRng(seed, "arrivals"), traces, opts);
  const scenarios = placeScenarios(createRng(seed, "scenarios"), rows);
  const rng = createRng(seed, "calls");
  const pending = new PendingRows();
  let allocated = 0;
  let nextScenario = 0;
  for (let i = 0; i < arrivals.length; i++) {
    const arrival = arrivals[i]!;
    yield* pending.drainUntil(arrival.at);
    // This arrival's row was taken by an earlier call's attempts or duplicate.
    if (allocated > i) continue;
    let scenario: Scenario | undefined;
    if (nextScenario < scenarios.length && scenarios[nextScenario]!.index <= i) scenario = scenarios[nextScenario++]!.scenario;
    const workload = scenario ? WORKLOAD_BY_ID.get(scenario.workload)! : pickWorkload(rng, arrival.stream);
    const calls = drawCalls(rng, traces, population, arrival.at, workload, scenario, rows - allocated);
    for (const { call, emitAt } of calls) pending.push(emitAt, toSampleRow(call));
    allocated += calls.length;
  }
  yield* pending.drainUntil(Number.POSITIVE_INFINITY);
}

const WORKLOADS_BY_STREAM = new Map<Stream, Array<readonly [Workload, number]>>();
for (const w of WORKLOADS) {
  const list = WORKLOADS_BY_STREAM.get(w.stream) ?? [];
  list.push([w, w.weight]);
  WORKLOADS_BY_STREAM.set(w.stream, list);
}

function pickWorkload(rng: Rng, stream: Stream): Workload {
  return rng.weighted(WORKLOADS_BY_STREAM.get(stream)!);
}

const USER_WEIGHTS = USERS.map((u) => [u, u.activity] as const);
const ACCOUNT_TEAMS = new Map<string, string>(Object.values(VIRTUAL_ACCOUNTS).map((va) => [va.name, va.team]));

/** The rows of one call at `at` (several for a virtual-model call or a duplicated row), at most `budget`. */
function drawCalls(
  rng: Rng,
  traces: TraceSource,
  population: Population,
  at: number,
  workload: Workload,
  scenario: Scenario | undefined,
  budget: number,
): Array<{ call: CallParts; emitAt: number }> {
  const date = new Date(at).toISOString().slice(0, 10);
  const customers = population.customers ? { customers: population.customers } : {};
  const long = scenario?.long;

  // What is called (the first attempt of a virtual-model call), who calls, and what they send.
  const firstUsage = (workload.usage ?? workload.route.attempts[0]!)({ rng, traces, long });
  let who: Pick<CallParts, "subject_type" | "subject" | "pat_name" | "teams">;
  let metadata: Metadata;
  if (workload.subject === "user") {
    const user: SampleUser = scenario?.pat
      ? USERS.find((u) => u.pat?.name === scenario.pat)!
      : population.users
        ? population.users.draw(rng)
        : rng.weighted(USER_WEIGHTS);
    const withPat = user.pat !== undefined && (scenario?.pat !== undefined || rng.chance(user.pat.share));
    who = { subject_type: "user", subject: user.email, teams: user.teams, ...(withPat ? { pat_name: user.pat!.name } : {}) };
    metadata = drawUserMetadata({ rng, date, model: firstUsage.model, ...customers }, user);
    if (scenario?.hostile !== undefined) {
      const [key, value] = HOSTILE_METADATA[scenario.hostile]!;
      metadata[key] = value;
    }
  } else {
    who = { subject_type: "virtualaccount", subject: workload.subject, teams: [ACCOUNT_TEAMS.get(workload.subject)!] };
    metadata = drawServiceMetadata({ rng, date, model: firstUsage.model, ...customers }, workload.subject, {
      long: firstUsage.input_tokens > 200_000,
    });
  }
  const span = () => rng.hex(16);
  const traceId = rng.hex(32);
  const reported = (usage: Usage, status: number) => (rng.chance(REPORTED_SHARE) ? gatewayCost(rng, usage, status) : undefined);
  const call = (usage: Usage, status: number, when: number, extra: Partial<CallParts> = {}): CallParts => {
    const cost = extra.virtual_model === undefined ? reported(usage, status) : undefined;
    return {
      request_id: `${traceId}:${span()}`,
      at: when,
      usage,
      ...who,
      status_code: status,
      metadata,
      ...(cost !== undefined ? { reported_cost_usd: cost } : {}),
      ...extra,
    };
  };

  // A virtual-model call: the parent row repeats the attempt that served it.
  if (workload.route && budget >= 2) {
    const fallback = budget >= 3 && workload.route.attempts.length > 1 && (scenario?.failFirst || rng.chance(FALLBACK_SHARE));
    const parentAt = at;
    const firstAt = parentAt + rng.int(2, 15);
    if (!fallback) {
      return [
        { call: call(firstUsage, 200, parentAt, { virtual_model: workload.route.virtual_model }), emitAt: parentAt },
        { call: call(firstUsage, 200, firstAt), emitAt: firstAt },
      ];
    }
    const status = rng.weighted([
      [429, 7],
      [500, 3],
    ] as const);
    const servedAt = firstAt + (status === 429 ? rng.int(30, 400) : rng.int(800, 15_000));
    const served = workload.route.attempts[1]!({ rng, traces });
    return [
      { call: call(served, 200, parentAt, { virtual_model: workload.route.virtual_model }), emitAt: parentAt },
      { call: call(failedUsage(firstUsage, status), status, firstAt), emitAt: firstAt },
      { call: call(served, 200, servedAt), emitAt: servedAt },
    ];
  }

  // A single model call, perhaps failed, perhaps exported twice.
  let usage = firstUsage;
  if (scenario?.prompt !== undefined) {
    usage = { ...usage, input_tokens: scenario.prompt };
    delete usage.cache_read_tokens;
    delete usage.cache_write_tokens;
  }
  if (scenario?.region !== undefined) usage = { ...usage, region: scenario.region };
  if (scenario?.priority) usage = { ...usage, service_tier: "priority" };
  const status =
    scenario?.status ??
    (scenario
      ? 200
      : rng.weighted(
          usage.batch
            ? ([
                [200, 997],
                [500, 3],
              ] as const)
            : ([
                [200, 984],
                [429, 12],
                [500, 4],
              ] as const),
        ));
  if (status !== 200) usage = failedUsage(usage, status);
  const single = call(usage, status, at);
  const out = [{ call: single, emitAt: at }];
  if (budget >= 2 && (scenario?.duplicate || (!scenario && rng.chance(DUPLICATE_SHARE)))) {
    out.push({ call: single, emitAt: at + rng.int(60_000, 6 * 3_600_000) });
  }
  return out;
}

/** Rows waiting to be yielded, in (emit time, creation) order: a small binary heap. */
class PendingRows {
  private heap: Array<{ emitAt: number; seq: number; row: Record<string, unknown> }> = [];
  private seq = 0;

  push(emitAt: number, row: Record<string, unknown>): void {
    const heap = this.heap;
    heap.push({ emitAt, seq: this.seq++, row });
    for (let i = heap.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  *drainUntil(time: number): Generator<Record<string, unknown>> {
    const heap = this.heap;
    while (heap.length > 0 && heap[0]!.emitAt <= time) {
      const top = heap[0]!;
      const last = heap.pop()!;
      if (heap.length > 0) {
        heap[0] = last;
        for (let i = 0; ;) {
          const l = 2 * i + 1;
          const r = l + 1;
          let m = i;
          if (l < heap.length && this.less(l, m)) m = l;
          if (r < heap.length && this.less(r, m)) m = r;
          if (m === i) break;
          [heap[i], heap[m]] = [heap[m]!, heap[i]!];
          i = m;
        }
      }
      yield top.row;
    }
  }

  private less(a: number, b: number): boolean {
    const x = this.heap[a]!;
    const y = this.heap[b]!;
    return x.emitAt < y.emitAt || (x.emitAt === y.emitAt && x.seq < y.seq);
  }
}
