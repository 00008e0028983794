import { checkSchema } from "../../lib/check-schema.ts";
import { PipelineError, type Problem } from "../../lib/errors.ts";
import { readYaml } from "../../lib/read-yaml.ts";
import { closest } from "../../lib/suggest.ts";
import { CANONICAL_FIELDS, ColumnMappingSchema, FieldSourceSchema, type ColumnMapping } from "../../schemas/column-mapping.schema.ts";
import { templateParts } from "./compile-field-source.ts";

const CANONICAL: ReadonlySet<string> = new Set(CANONICAL_FIELDS);
const TOP_LEVEL = Object.keys(ColumnMappingSchema.shape);
const SOURCE_KEYS = Object.keys(FieldSourceSchema.shape);

/**
 * Loads a custom column mapping (`--columns FILE`, see ColumnMappingSchema). Every
 * problem names the file, line and field; unknown fields get a did-you-mean hint.
 * With `accounts` (the names in pricing/accounts/), every `provider_aliases` target must
 * be one of them. Throws PipelineError: a bad mapping stops the run before any output.
 */
export async function loadColumnMapping(file: string, accounts?: ReadonlySet<string>): Promise<ColumnMapping> {
  const yaml = await readYaml(file);
  const problems: Problem[] = [];
  let data = yaml.data;
  if (typeof data === "object" && data !== null && !Array.isArray(data)) {
    // Unknown top-level fields are reported here, at their own line.
    const known: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(data)) {
      if (TOP_LEVEL.includes(key)) known[key] = value;
      else problems.push(unknownField(file, yaml.lineOf([key]), key, key, TOP_LEVEL));
    }
    data = known;
  }
  const { value, problems: found } = checkSchema(ColumnMappingSchema, yaml, [], data);
  for (const problem of found) {
    const key = problem.field?.startsWith("columns.") ? problem.field.slice("columns.".length) : undefined;
    const source = key === undefined ? undefined : (data as { columns?: Record<string, unknown> }).columns?.[key];
    if (key !== undefined && CANONICAL.has(key) && typeof source === "object" && source !== null && !Array.isArray(source)) {
      // The object form's own problems, each at its line (the union only says "not a column or object").
      const inner = checkSchema(FieldSourceSchema, yaml, ["columns", key], source).problems;
      if (inner.length > 0) {
        problems.push(...inner.map((p) => withSourceHint(p)));
        continue;
      }
    }
    const unknownKey = /^unknown field `([^`]+)`$/.exec(problem.message)?.[1];
    if (key !== undefined && !key.includes(".") && !CANONICAL.has(key))
      problems.push(unknownField(file, problem.line, problem.field!, key, CANONICAL_FIELDS));
    else if (key !== undefined && unknownKey !== undefined) problems.push(withSourceHint(problem));
    else problems.push(problem);
  }
  // Checks beyond the schema, on whatever part of the file has the right shape.
  const raw = data as { columns?: unknown; provider_aliases?: unknown };
  for (const [field, source] of entriesOf(raw.columns)) {
    const template = (source as { template?: unknown } | null)?.template;
    if (typeof template !== "string") continue;
    try {
      templateParts(template);
    } catch (error) {
      problems.push(at(file, yaml.lineOf(["columns", field, "template"]), `columns.${field}.template`, (error as Error).message));
    }
  }
  for (const [provider, account] of entriesOf(raw.provider_aliases)) {
    if (accounts && typeof account === "string" && !accounts.has(account)) {
      const suggestion = closest(account, accounts);
      problems.push({
        ...at(
          file,
          yaml.lineOf(["provider_aliases", provider]),
          `provider_aliases.${provider}`,
          `\`${account}\` is not an account in pricing/accounts/`,
        ),
        hint: suggestion
          ? `did you mean \`${suggestion}\`?`
          : `declare it in pricing/accounts/${account}.yaml, or use one of: ${[...accounts].sort().join(", ")}`,
      });
    }
  }
  if (value && problems.length === 0) return value;
  throw new PipelineError(problems);
}

function unknownField(file: string, line: number | undefined, field: string, key: string, names: ReadonlyArray<string>): Problem {
  const suggestion = closest(key, names);
  const problem: Problem = {
    file,
    field,
    message: names === TOP_LEVEL ? `unknown field \`${key}\`` : `unknown canonical field \`${key}\``,
    hint: suggestion ? `did you mean \`${suggestion}\`?` : `use one of: ${names.join(", ")}`,
  };
  if (line !== undefined) problem.line = line;
  return problem;
}

function at(file: string, line: number | undefined, field: string, message: string): Problem {
  const problem: Problem = { file, field, message };
  if (line !== undefined) problem.line = line;
  return problem;
}

/** An unknown key of a field's object form gets a did-you-mean among the object form's keys. */
function withSourceHint(problem: Problem): Problem {
  const unknownKey = /^unknown field `([^`]+)`$/.exec(problem.message)?.[1];
  if (unknownKey === undefined) return problem;
  const suggestion = closest(unknownKey, SOURCE_KEYS);
  return { ...problem, hint: suggestion ? `did you mean \`${suggestion}\`?` : `use one of: ${SOURCE_KEYS.join(", ")}` };
}

function entriesOf(value: unknown): Array<[string, unknown]> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? Object.entries(value) : [];
}
