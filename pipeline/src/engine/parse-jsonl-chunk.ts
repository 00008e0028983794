import type { ColumnMapping, PresetName } from "../schemas/column-mapping.schema.ts";
import { compilePreset, type CompiledPreset } from "../stages/ingest/compile-preset.ts";
import { MAX_RAW_CHARS } from "../stages/ingest/index.ts";
import { parseJsonlBytes } from "../stages/ingest/parse-jsonl-lines.ts";
import { toLogRow } from "../stages/ingest/to-log-row.ts";
import { toLogRows } from "../stages/ingest/to-log-rows.ts";
import type { ChunkProcessor } from "./chunk-processor.ts";

/**
 * Parses a chunk of whole JSON Lines (split-jsonl.ts cut it at a line end) into the
 * processor with the ingest stage's rules (parse-jsonl-lines.ts, to-log-row.ts); bad
 * lines and rows become rejects with their raw text; a native format's line gives one item
 * per call (stages/ingest/to-log-rows.ts). Returns the number of lines read.
 */
export function parseJsonlChunk(
  bytes: Uint8Array,
  firstLine: number,
  file: string,
  preset: CompiledPreset,
  processor: ChunkProcessor,
): number {
  return parseJsonlBytes(bytes, firstLine, {
    record(line, value, raw) {
      if (preset.expand) {
        for (const call of toLogRows(value, raw, preset)) {
          if ("row" in call) processor.addItemRow(call.row, file, line);
          else processor.addReject({ file, line, reason: call.reason, raw: cut(call.raw) });
        }
        return;
      }
      const result = toLogRow(value, preset);
      if ("row" in result) processor.addItemRow(result.row, file, line);
      else processor.addReject({ file, line, reason: result.reason, raw: cut(raw) });
    },
    problem(line, reason, raw) {
      processor.addReject({ file, line, reason, raw: cut(raw) });
    },
  });
}

/** One compiled preset per file and preset (it remembers that file's ignored columns), per thread. */
export function presetCache(): (file: string, preset: PresetName | ColumnMapping) => CompiledPreset {
  const compiled = new Map<string, CompiledPreset>();
  return (file, preset) => {
    const key = `${file}\0${JSON.stringify(preset)}`;
    let found = compiled.get(key);
    if (!found) compiled.set(key, (found = compilePreset(preset)));
    return found;
  };
}

function cut(raw: string): string {
  return raw.length > MAX_RAW_CHARS ? raw.slice(0, MAX_RAW_CHARS) : raw;
}
