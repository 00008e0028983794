import { createHash, type Hash } from "node:crypto";
import { ftruncateSync, writevSync } from "node:fs";

/**
 * Appends byte chunks to an open file with positioned gathering writes (no copy into one
 * buffer first), keeping the offset of the next byte. Writing at explicit positions lets
 * the writer roll a failed row group back with `truncate`.
 */
export class FileSink {
  offset = 0;
  /** sha256 of the bytes written so far; null once a truncate made it unknowable. */
  private hash: Hash | null = createHash("sha256");

  constructor(readonly fd: number) {}

  /** The file's sha256 (hex), or undefined after a truncate. Call once, when done. */
  digest(): string | undefined {
    return this.hash?.digest("hex");
  }

  write(chunks: Uint8Array[]): void {
    let pending = chunks.filter((chunk) => chunk.length > 0);
    for (const chunk of pending) this.hash?.update(chunk);
    while (pending.length > 0) {
      let written = writevSync(this.fd, pending, this.offset);
      this.offset += written;
      // A short write (rare for files) continues after the bytes that made it.
      while (pending.length > 0 && written >= pending[0]!.length) written -= pending.shift()!.length;
      if (written > 0) pending = [pending[0]!.subarray(written), ...pending.slice(1)];
    }
  }

  /** Drops everything from `offset` on. */
  truncate(offset: number): void {
    if (offset !== this.offset) this.hash = null;
    ftruncateSync(this.fd, offset);
    this.offset = offset;
  }
}
