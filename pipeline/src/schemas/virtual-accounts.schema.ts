import { z } from "zod";

export const TagsSchema = z.record(z.string(), z.string({ error: "tag values must be strings (quote numbers)" }));

/** `policies/virtual-accounts.yaml` (SPEC 5.1). */
export const VirtualAccountsSchema = z.strictObject({
  virtual_accounts: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        team: z.string().min(1).optional(),
        tags: TagsSchema.default({}),
      }),
    )
    .default([]),
});
export type VirtualAccounts = z.infer<typeof VirtualAccountsSchema>;
