import type { z } from "zod";
import { formatField, type Problem } from "./errors.ts";
import type { YamlFile } from "./read-yaml.ts";

/** Validates a YAML file's data with a zod schema; issues become `file:line field` problems. */
export function checkSchema<T extends z.ZodType>(
  schema: T,
  yaml: YamlFile,
  basePath: ReadonlyArray<PropertyKey> = [],
  data: unknown = yaml.data,
): { value?: z.output<T>; problems: Problem[] } {
  const result = schema.safeParse(data, { reportInput: true });
  if (result.success) return { value: result.data, problems: [] };
  const problems = result.error.issues.map((issue) => {
    const path = [...basePath, ...issue.path];
    const problem: Problem = { file: yaml.file, message: describeIssue(issue) };
    const line = yaml.lineOf(path);
    if (line !== undefined) problem.line = line;
    if (path.length > 0) problem.field = formatField(path);
    const hint = hintFor(issue);
    if (hint) problem.hint = hint;
    return problem;
  });
  return { problems };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys")
    return `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `\`${k}\``).join(", ")}`;
  if (issue.code === "invalid_type" && issue.input === undefined) return `is required: ${issue.message.replace(/^Invalid input: /, "")}`;
  return issue.message.replace(/^Invalid input: /, "");
}

function hintFor(issue: z.core.$ZodIssue): string | undefined {
  if (issue.code === "unrecognized_keys") return "check the spelling against the field list in docs/pricing.md";
  if (issue.code === "invalid_value" && "values" in issue) return `use one of: ${issue.values.map(String).join(", ")}`;
  // A schema's own check can carry its hint: `ctx.addIssue({ code: "custom", message, params: { hint } })`.
  if (issue.code === "custom" && typeof issue.params?.hint === "string") return issue.params.hint;
  return undefined;
}
