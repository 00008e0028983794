import { checkSchema } from "../../lib/check-schema.ts";
import { PipelineError, type Problem } from "../../lib/errors.ts";
import { readYaml } from "../../lib/read-yaml.ts";
import { closest } from "../../lib/suggest.ts";
import { CANONICAL_FIELDS, ColumnMappingSchema, type ColumnMapping } from "../../schemas/column-mapping.schema.ts";

const CANONICAL: ReadonlySet<string> = new Set(CANONICAL_FIELDS);
const TOP_LEVEL = Object.keys(ColumnMappingSchema.shape);

/**
 * Loads a custom column mapping (`--columns FILE`, see ColumnMappingSchema). Every
 * problem names the file, line and field; unknown fields get a did-you-mean hint.
 * Throws PipelineError: a bad mapping stops the run before any output.
 */
export async function loadColumnMapping(file: string): Promise<ColumnMapping> {
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
    if (key !== undefined && !CANONICAL.has(key)) problems.push(unknownField(file, problem.line, problem.field!, key, CANONICAL_FIELDS));
    else problems.push(problem);
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
