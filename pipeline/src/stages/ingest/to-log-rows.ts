import type { LogRow } from "../../schemas/log-row.ts";
import type { CompiledPreset } from "./compile-preset.ts";
import { toLogRow } from "./to-log-row.ts";

/** One call of an input record: a checked row, or a reject reason with the text to keep. */
export type CallOutcome = { row: LogRow } | { reason: string; raw: string };

/**
 * The calls of one input record through a native-format preset (`preset.expand`): each
 * element the normaliser found becomes a row or a reject (the inner element's own text as
 * raw, else the record's; a bad inner element is one reject and the others are still read). A record the normaliser throws on
 * is one reject. Presets without `expand` take toLogRow directly (callers check first).
 */
export function toLogRows(record: Record<string, unknown>, raw: string, preset: CompiledPreset): CallOutcome[] {
  const expand = preset.expand;
  if (!expand) {
    const result = toLogRow(record, preset);
    return ["row" in result ? result : { reason: result.reason, raw }];
  }
  let calls;
  try {
    calls = expand(record);
  } catch (problem) {
    if (problem instanceof RangeError) return [{ reason: `record too deeply nested to read (${problem.message})`, raw }];
    throw problem;
  }
  const out: CallOutcome[] = [];
  for (const call of calls) {
    if ("error" in call) {
      out.push({ reason: call.error, raw: call.raw });
      continue;
    }
    const result = toLogRow(call.record, preset);
    out.push("row" in result ? result : { reason: result.reason, raw: call.raw ?? raw });
  }
  return out;
}
