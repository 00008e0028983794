import type { RawError } from "./raw-record.ts";

/**
 * A stream error as a reader item: a zlib error means a truncated or corrupt gzip
 * (reported at `line`, the line after the last one read), a file-system error an
 * unreadable file (a whole-file problem, line 0). Anything else is a bug: thrown again.
 */
export function readError(error: unknown, line: number): RawError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof code === "string" && code.startsWith("Z_")) return { line, error: `truncated or corrupt gzip: ${message}`, raw: "" };
  if (typeof code === "string" && (error as NodeJS.ErrnoException).syscall !== undefined) {
    return { line: 0, error: `cannot read file: ${message}`, raw: "" };
  }
  throw error;
}
