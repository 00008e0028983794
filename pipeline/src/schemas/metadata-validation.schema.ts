import { z } from "zod";
import { compilePattern, RE2_SYNTAX_HINT } from "../lib/compile-pattern.ts";

const KeyRuleSchema = z.strictObject({
  required: z.boolean().default(false),
  value: z
    .discriminatedUnion("constraint", [
      z.strictObject({ constraint: z.literal("allowed_values"), allowed_values: z.array(z.string()).min(1) }),
      z.strictObject({
        constraint: z.literal("regex"),
        // Matched with RE2 on client-sent values (linear time); patterns RE2 refuses are errors.
        regex: z.string().superRefine((source, ctx) => {
          const compiled = compilePattern(source);
          if ("error" in compiled)
            ctx.addIssue({ code: "custom", message: `is not a valid RE2 pattern: ${compiled.error}`, params: { hint: RE2_SYNTAX_HINT } });
        }),
      }),
    ])
    .optional(),
});

/** `policies/metadata-validation.yaml` (SPEC 5.4): the gateway's Metadata Validation guardrail. */
export const MetadataValidationSchema = z.strictObject({
  guardrails: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        enforcing_strategy: z.enum(["enforce", "audit"]),
        when: z
          .strictObject({
            models: z.array(z.string().min(1)).optional(),
            subjects: z
              .strictObject({ in: z.array(z.string().min(1)).default([]), not_in: z.array(z.string().min(1)).default([]) })
              .optional(),
          })
          .default({}),
        config: z.strictObject({
          allow_unknown_keys: z.boolean().default(true),
          keys: z.record(z.string(), KeyRuleSchema).default({}),
        }),
      }),
    )
    .default([]),
});
export type MetadataValidation = z.infer<typeof MetadataValidationSchema>;
export type Guardrail = MetadataValidation["guardrails"][number];
