import { z } from "zod";

const NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

export const AccountModelSchema = z.strictObject({
  name: z.string({ error: "must be the model name used after `<account>/` in the gateway" }).min(1),
  provider_model: z.string().min(1).optional(),
  cost: z.enum(["public", "private"], { error: "must be `public` or `private`" }),
});
export type AccountModel = z.infer<typeof AccountModelSchema>;

/** A provider account (SPEC 4.2): `pricing/accounts/<name>.yaml`. */
export const AccountSchema = z.strictObject({
  name: z
    .string({ error: "must be the account name used before `/` in gateway model names" })
    .regex(NAME, { message: "must be letters, digits, `.`, `_`, `:` or `-` (no `/`)" }),
  provider: z.string({ error: "must name a folder under pricing/catalog/providers/" }).min(1),
  region: z.string().min(1).optional(),
  models: z.array(AccountModelSchema, { error: "must be a list of models" }).default([]),
});
export type Account = z.infer<typeof AccountSchema>;
