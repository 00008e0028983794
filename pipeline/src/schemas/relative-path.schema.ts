import { z } from "zod";

/**
 * A `/`-separated path relative to an output folder that stays inside it: no leading `/`,
 * no `\`, no empty, `.` or `..` part. Paths read back from files in an output folder (the
 * commit journal, the manifest) are checked with it before anything is moved or copied.
 */
export const RelativePathSchema = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith("/") && !p.includes("\\") && p.split("/").every((part) => part !== "" && part !== "." && part !== ".."), {
    message: "must be a relative path inside the output folder",
  });

export type RelativePath = z.infer<typeof RelativePathSchema>;
