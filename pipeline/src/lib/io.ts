import { writeUnlessClosed } from "./write-unless-closed.ts";

/**
 * The side effects a command may have, injected so tests can capture them: data goes
 * to `out` (stdout), progress and problems to `err` (stderr).
 */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  cwd: string;
}

export const processIo: Io = {
  out: (text) => writeUnlessClosed(process.stdout, text),
  err: (text) => writeUnlessClosed(process.stderr, text),
  cwd: process.cwd(),
};
