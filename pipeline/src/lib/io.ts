import { writeUnlessClosed } from "./write-unless-closed.ts";

/**
 * The side effects a command may have, injected so tests can capture them: data goes
 * to `out` (stdout), progress and problems to `err` (stderr).
 */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  cwd: string;
  /** The clock of commands that record a time (`costs restate`, `costs diff`'s "yesterday"); tests pin it. Default: the system clock. */
  now?: () => Date;
}

export const processIo: Io = {
  out: (text) => writeUnlessClosed(process.stdout, text),
  err: (text) => writeUnlessClosed(process.stderr, text),
  cwd: process.cwd(),
};

/**
 * How a command takes part in an output folder's lock (outputs/output-lock.ts):
 * its name, the clock, paths shown relative to `cwd`, warnings on stderr.
 */
export function lockContext(
  io: Io,
  command: string,
): { cwd: string; now: () => Date; command: string; onWarning: (message: string) => void } {
  return { cwd: io.cwd, now: () => new Date(), command, onWarning: (message) => io.err(`warning: ${message}\n`) };
}
