import { z } from "zod";

/**
 * `<out>/.lock`: who is writing to an output folder. Created whole (a temporary file linked
 * to this name, which fails when it exists), removed by its holder when done
 * (outputs/output-lock.ts).
 */
export const OutputLockSchema = z.object({
  pid: z.number().int().positive(),
  hostname: z.string(),
  /** ISO 8601, from the holder's clock. */
  started_at: z.string(),
  /** What holds it, e.g. `costs run`. */
  command: z.string(),
  /** Random, so a holder removes only its own lock. */
  token: z.string(),
});

export type OutputLock = z.infer<typeof OutputLockSchema>;
