import { closeSync, openSync, writeSync } from "node:fs";
import type { Reject } from "../schemas/log-row.ts";
import { toCsvLines, type CsvKind } from "../lib/to-csv.ts";

export const REJECT_COLUMNS = ["file", "line", "reason", "raw"];
const KINDS: CsvKind[] = ["text", "number", "text", "text"];
/** Rejects kept in memory as `first`. */
const FIRST = 5;

/**
 * `rejects.csv`, written as rejects arrive (input order: files in the order read, then
 * line), so a badly broken input does not pile its rejects up in memory.
 */
export class RejectsFile {
  private readonly fd: number;
  rows = 0;
  /** The first few rejects, for a message (`costs restate` refuses to lose a row and names them). */
  readonly first: Reject[] = [];

  constructor(readonly file: string) {
    this.fd = openSync(file, "w");
    writeSync(this.fd, `${REJECT_COLUMNS.join(",")}\n`);
  }

  append(rejects: readonly Reject[]): void {
    if (rejects.length === 0) return;
    for (const reject of rejects) if (this.first.length < FIRST) this.first.push(reject);
    writeSync(
      this.fd,
      toCsvLines(
        KINDS,
        rejects.map((r) => [r.file, r.line, r.reason, r.raw]),
      ),
    );
    this.rows += rejects.length;
  }

  close(): void {
    closeSync(this.fd);
  }
}
