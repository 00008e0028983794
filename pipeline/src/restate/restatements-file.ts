import { readFile } from "node:fs/promises";
import path from "node:path";
import { formatField, PipelineError } from "../lib/errors.ts";
import { isSystemError } from "../lib/system-error.ts";
import { RestatementsSchema, type Restatement } from "../schemas/restatement.schema.ts";

/** `<out>/restatements.json`, beside `manifest.json`. */
export const RESTATEMENTS_FILE = "restatements.json";

/**
 * The restatements recorded in `dir/restatements.json` (schemas/restatement.schema.ts),
 * oldest first; null when there is no such file. A file that does not parse stops the
 * command: dropping it would lose the record of what was restated.
 */
export async function readRestatements(dir: string): Promise<Restatement[] | null> {
  const file = path.join(dir, RESTATEMENTS_FILE);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if (isSystemError(error) && error.code === "ENOENT") return null;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PipelineError({ file, message: `is not valid JSON (${(error as Error).message})`, hint: HINT });
  }
  const parsed = RestatementsSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new PipelineError({ file, field: formatField(issue.path), message: issue.message, hint: HINT });
  }
  return parsed.data;
}

/** The file's text: one entry per line, so a diff of two versions shows the days appended. */
export function restatementsText(list: Restatement[]): string {
  return list.length === 0 ? "[]\n" : `[\n${list.map((r) => `  ${JSON.stringify(r)}`).join(",\n")}\n]\n`;
}

const HINT = "restatements.json is written by `costs restate` only: restore it from the ledger or the last nightly's outputs";
