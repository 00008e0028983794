/** Streams whose reader has gone (EPIPE): nothing more is written to them. */
const closed = new WeakSet<NodeJS.WriteStream>();
const watched = new WeakSet<NodeJS.WriteStream>();

/**
 * Writes to stdout or stderr, treating a reader that went away (`costs extract | head -1`)
 * as nothing more to say rather than a crash: after EPIPE the rest of that stream's output
 * is dropped and the command finishes its work (files are still written) and exits with
 * its own status, 0 on success. Other stream errors still surface.
 */
export function writeUnlessClosed(stream: NodeJS.WriteStream, text: string): void {
  if (closed.has(stream)) return;
  if (!watched.has(stream)) {
    watched.add(stream);
    // Write errors on a pipe arrive as an 'error' event after the write returns.
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") throw error;
      closed.add(stream);
    });
  }
  stream.write(text);
}
