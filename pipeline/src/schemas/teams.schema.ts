import { z } from "zod";
import { TagsSchema } from "./virtual-accounts.schema.ts";

/** `policies/teams.yaml` (SPEC 5.2). */
export const TeamsSchema = z.strictObject({
  require_pat_team: z.boolean({ error: "must be true or false" }).default(false),
  teams: z.array(z.strictObject({ name: z.string().min(1), tags: TagsSchema.default({}) })).default([]),
  personal_access_tokens: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        user: z.string().min(1).optional(),
        team: z.string().min(1).optional(),
      }),
    )
    .default([]),
});
export type Teams = z.infer<typeof TeamsSchema>;
