import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { PipelineError } from "../lib/errors.ts";
import { PROJECT_ROOT } from "../lib/project-root.ts";
import { BUILTIN_TRACES, QUANTILE_PROBABILITIES } from "./builtin-traces.ts";
import { sampleQuantiles, type Rng } from "./prng.ts";

/** Where the real traces live on the project's machines: `../shared/traces` beside the repository. */
export const DEFAULT_TRACES_DIR = path.resolve(PROJECT_ROOT, "../shared/traces");

export const TRACE_FILES = { conv: "AzureLLMInferenceTrace_conv.csv", code: "AzureLLMInferenceTrace_code.csv" } as const;

export type TraceKind = keyof typeof TRACE_FILES;
export type TraceMode = "auto" | "builtin";

/** Which token sizes and arrival rhythm a sample uses. */
export interface TraceSourceInfo {
  kind: "traces" | "builtin";
  /** The traces folder read, when kind is "traces". */
  dir?: string;
  /** One line for people: what was used and why. */
  description: string;
}

/** Prompt / completion sizes and inter-arrival gaps to draw from. */
export interface TraceSource extends TraceSourceInfo {
  /** A prompt and completion size of one chat (`conv`) or coding (`code`) request. */
  draw(rng: Rng, kind: TraceKind): { context: number; generated: number };
  /** `n` consecutive gaps between requests, in microseconds. */
  gaps(rng: Rng, n: number): number[];
}

/**
 * Tells which source `mode` resolves to, without reading the files: the real traces when
 * `mode` is "auto" and both files exist under `dir`, else the built-in distributions.
 */
export function resolveTraceSource(mode: TraceMode = "auto", dir: string = DEFAULT_TRACES_DIR): TraceSourceInfo {
  if (mode === "builtin")
    return { kind: "builtin", description: "built-in distributions fitted to the Azure LLM inference traces (asked for)" };
  const present = Object.values(TRACE_FILES).every((name) => existsSync(path.join(dir, name)));
  if (!present)
    return { kind: "builtin", description: `built-in distributions fitted to the Azure LLM inference traces (${dir} has no trace files)` };
  return { kind: "traces", dir, description: `Azure LLM inference traces 2023 (CC-BY 4.0) from ${dir}` };
}

/** Loads the source `mode` resolves to. A trace file that exists but cannot be read as a trace is an error. */
export function loadTraceSource(mode: TraceMode = "auto", dir: string = DEFAULT_TRACES_DIR): TraceSource {
  const info = resolveTraceSource(mode, dir);
  if (info.kind === "builtin") return builtinSource(info);
  const conv = readTrace(path.join(dir, TRACE_FILES.conv));
  const code = readTrace(path.join(dir, TRACE_FILES.code));
  const traces = { conv, code };
  return {
    ...info,
    draw(rng, kind) {
      const trace = traces[kind];
      const i = Math.floor(rng.next() * trace.context.length);
      return { context: trace.context[i]!, generated: trace.generated[i]! };
    },
    gaps(rng, n) {
      // A run of consecutive real gaps (wrapping around), so bursts and lulls are kept.
      const all = conv.gapMicros;
      const start = Math.floor(rng.next() * all.length);
      const out: number[] = [];
      for (let k = 0; k < n; k++) out.push(all[(start + k) % all.length]!);
      return out;
    },
  };
}

function builtinSource(info: TraceSourceInfo): TraceSource {
  const size = (rng: Rng, points: readonly number[]) => Math.max(1, Math.round(sampleQuantiles(rng, QUANTILE_PROBABILITIES, points)));
  return {
    ...info,
    draw: (rng, kind) => ({
      context: size(rng, BUILTIN_TRACES[kind].context),
      generated: size(rng, BUILTIN_TRACES[kind].generated),
    }),
    gaps(rng, n) {
      const out: number[] = [];
      for (let k = 0; k < n; k++) out.push(sampleQuantiles(rng, QUANTILE_PROBABILITIES, BUILTIN_TRACES.gapMicros));
      return out;
    },
  };
}

interface Trace {
  context: number[];
  generated: number[];
  /** Gaps between consecutive rows, microseconds. */
  gapMicros: number[];
}

const ROW = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?,(\d+),(\d+)$/;

/** Reads one trace CSV (`TIMESTAMP,ContextTokens,GeneratedTokens`, rows in time order). */
function readTrace(file: string): Trace {
  const lines = readFileSync(file, "utf8")
    .replace(/^\uFEFF/, "")
    .split(/\r?\n/);
  const header = lines[0]?.trim();
  if (header !== "TIMESTAMP,ContextTokens,GeneratedTokens") {
    throw new PipelineError({
      file,
      line: 1,
      message: `unexpected header ${JSON.stringify(header)}`,
      hint: "expected TIMESTAMP,ContextTokens,GeneratedTokens (an Azure LLM inference trace)",
    });
  }
  const trace: Trace = { context: [], generated: [], gapMicros: [] };
  let previous: number | undefined;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "") continue;
    const m = ROW.exec(line);
    if (!m)
      throw new PipelineError({
        file,
        line: i + 1,
        message: `not a trace row: ${JSON.stringify(line.slice(0, 80))}`,
        hint: "expected e.g. 2023-11-16 18:15:46.6805900,374,44",
      });
    const [, y, mo, d, h, mi, s, frac = "", context, generated] = m;
    const micros =
      Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) * 1000 + Number((frac + "000000").slice(0, 6));
    if (previous !== undefined) {
      if (micros < previous) throw new PipelineError({ file, line: i + 1, message: "rows are not in time order" });
      trace.gapMicros.push(micros - previous);
    }
    previous = micros;
    trace.context.push(Number(context));
    trace.generated.push(Number(generated));
  }
  if (trace.context.length < 2) throw new PipelineError({ file, message: "a trace needs at least two rows" });
  return trace;
}
