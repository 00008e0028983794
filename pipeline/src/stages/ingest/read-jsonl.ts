import { MAX_LINE_CHARS, parseJsonlBytes } from "./parse-jsonl-lines.ts";
import { EMPTY_FILE, type RawRecord } from "./raw-record.ts";
import { splitJsonl } from "./split-jsonl.ts";

export { MAX_LINE_CHARS };

/**
 * Streams a JSON Lines file (`.jsonl`, `.ndjson`, `.json`, optionally gzipped): one item
 * per non-blank line, `line` being its 1-based physical line number (LF or CRLF endings).
 *
 * - a line that is not valid JSON (a cut-off last line included) → `invalid JSON: …`;
 * - a JSON value that is not an object → `not a JSON object`;
 * - a line longer than MAX_LINE_CHARS → `line longer than … characters` (one that never
 *   ends is cut off after that many UTF-8 bytes);
 * - no non-blank line at all → one item at line 0, `empty file: no rows`;
 * - a truncated or corrupt gzip → every complete line before it, then one item at the
 *   next line, `truncated or corrupt gzip: …` (the partial line is not guessed at).
 *
 * Never throws for bad content. `costs run` reads JSON Lines through the same splitter
 * and line rules in worker threads (engine/parse-jsonl-chunk.ts).
 */
export async function* readJsonl(file: string, gzip: boolean, options: { maxLineChars?: number } = {}): AsyncGenerator<RawRecord> {
  let items = 0;
  const maxLineChars = options.maxLineChars ?? MAX_LINE_CHARS;
  for await (const piece of splitJsonl(file, gzip, { maxLineBytes: maxLineChars })) {
    if (piece.kind === "problem") {
      items++;
      yield { line: piece.line, error: piece.error, raw: piece.raw };
      continue;
    }
    const found: RawRecord[] = [];
    items += parseJsonlBytes(piece.bytes, piece.firstLine, {
      record: (line, record, raw) => void found.push({ line, record, raw }),
      problem: (line, error, raw) => void found.push({ line, error, raw }),
    }, maxLineChars);
    yield* found;
  }
  if (items === 0) yield { line: 0, error: EMPTY_FILE, raw: "" };
}
