import { readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { formatField, PipelineError, type Problem } from "../../lib/errors.ts";
import { sha256Text } from "../../lib/hash.ts";
import { isSystemError } from "../../lib/system-error.ts";
import { DaySchema } from "../../schemas/ledger-entry.schema.ts";
import { RestatementsSchema, type Restatement } from "../../schemas/restatement.schema.ts";
import { RollupTotalsSchema } from "../../schemas/rollup-totals.schema.ts";
import type { PublishedDay } from "./plan-record.ts";

/** The part of manifest.json the ledger reads. */
const ManifestDaysSchema = z.object({ generated_at: z.string(), dataset: z.object({ days: z.array(DaySchema) }) });

export interface PublishedDays {
  generatedAt: string;
  days: PublishedDay[];
  restatements: Restatement[];
}

/**
 * What a run published, as the ledger records it: every day of `<data>/manifest.json`'s
 * dataset with its rollup (`<data>/rollups/date=D.json`, bytes and figures), and
 * `<data>/restatements.json` when there is one. Every problem is reported at once.
 */
export async function readPublishedDays(data: string): Promise<PublishedDays> {
  const manifestFile = path.join(data, "manifest.json");
  const manifestText = await readOptional(manifestFile);
  if (manifestText === undefined)
    throw new PipelineError({
      file: manifestFile,
      message: "missing",
      hint: "run `costs run` first: the ledger records what a run published",
    });
  const manifest = parseJson(manifestFile, manifestText.toString("utf8"), ManifestDaysSchema);

  const problems: Problem[] = [];
  const days: PublishedDay[] = [];
  for (const date of manifest.dataset.days) {
    const file = path.join(data, "rollups", `date=${date}.json`);
    const bytes = await readOptional(file);
    if (bytes === undefined) {
      problems.push({
        file,
        message: `missing: manifest.json's dataset has day ${date}`,
        hint: "`costs run` writes a rollup beside every day it writes: run it again over these days",
      });
      continue;
    }
    try {
      const rollup = parseJson(file, bytes.toString("utf8"), RollupTotalsSchema);
      if (rollup.date !== date) problems.push({ file, field: "date", message: `is ${rollup.date}, not the file's day ${date}` });
      else days.push({ date, rollup, bytes, sha256: sha256Text(bytes) });
    } catch (error) {
      if (!(error instanceof PipelineError)) throw error;
      problems.push(...error.problems);
    }
  }

  const restatementsFile = path.join(data, "restatements.json");
  const restatementsText = await readOptional(restatementsFile);
  let restatements: Restatement[] = [];
  if (restatementsText !== undefined) {
    try {
      restatements = parseJson(restatementsFile, restatementsText.toString("utf8"), RestatementsSchema);
    } catch (error) {
      if (!(error instanceof PipelineError)) throw error;
      problems.push(...error.problems);
    }
  }
  if (problems.length > 0) throw new PipelineError(problems);
  return { generatedAt: manifest.generated_at, days, restatements };
}

function parseJson<T extends z.ZodType>(file: string, text: string, schema: T): z.output<T> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new PipelineError({ file, message: "is not valid JSON", hint: "run `costs run` again to rewrite it" });
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new PipelineError({
    file,
    field: formatField(issue.path),
    message: issue.message,
    hint: "it was not written by this version of costs: run `costs run` again",
  });
}

async function readOptional(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (error) {
    if (isSystemError(error) && (error.code === "ENOENT" || error.code === "ENOTDIR")) return undefined;
    throw error;
  }
}
