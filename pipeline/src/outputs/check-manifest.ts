import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { formatField, PipelineError, type Problem } from "../lib/errors.ts";
import { sha256File } from "../lib/hash.ts";
import { isSystemError } from "../lib/system-error.ts";
import { ManifestListingSchema } from "../schemas/manifest-listing.schema.ts";
import { listPartitions } from "../dataset/read-partitions.ts";
import { dayRollupPath, listRollupDays } from "../history/day-rollup.ts";

/** Listed files up to this size are also checked by sha256 (larger ones by size only: a reader should not read everything twice). */
const HASHED_BYTES = 1 << 20;
/** Problems listed at most, beyond the summary line. */
const SHOWN = 10;

/**
 * A reader's cheap check that `<out>/manifest.json` describes the files present: every
 * output file it lists exists with the listed size (and sha256, for small files), and the
 * `priced/date=…` partitions are exactly the dataset's days (but those it counts from their
 * rollup alone, `rollup_only_days`, whose `rollups/date=…json` must be there). A folder with no manifest
 * passes (there is nothing to check against). Throws a PipelineError naming each file.
 */
export async function checkManifest(out: string, shown: string): Promise<void> {
  const file = path.join(out, "manifest.json");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if (isSystemError(error) && (error.code === "ENOENT" || error.code === "ENOTDIR")) return;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new PipelineError({ file, message: "is not valid JSON", hint: "run `costs run` again to rewrite the outputs" });
  }
  const parsed = ManifestListingSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new PipelineError({
      file,
      field: formatField(issue.path),
      message: issue.message,
      hint: "it was not written by this version of costs: run `costs run` again",
    });
  }
  const { outputs, dataset } = parsed.data;

  const problems: Problem[] = [];
  const listed = [
    ...outputs.priced,
    ...(outputs.rejects ? [outputs.rejects] : []),
    ...outputs.extracts.flatMap((e) => e.files),
    ...(outputs.focus?.files ?? []),
    ...(outputs.restatements ? [outputs.restatements] : []),
  ];
  for (const output of listed) {
    const target = path.join(out, output.path);
    let bytes: number;
    try {
      bytes = (await stat(target)).size;
    } catch (error) {
      if (isSystemError(error) && (error.code === "ENOENT" || error.code === "ENOTDIR")) {
        problems.push({ file: target, message: `missing (manifest.json lists it with ${output.bytes} bytes)` });
        continue;
      }
      throw error;
    }
    if (bytes !== output.bytes) problems.push({ file: target, message: `has ${bytes} bytes, manifest.json lists ${output.bytes}` });
    else if (bytes <= HASHED_BYTES && (await sha256File(target)) !== output.sha256)
      problems.push({ file: target, message: "its sha256 differs from the one manifest.json lists" });
  }
  const present = new Set(await listPartitions(out));
  const days = new Set(dataset.days);
  const rollupOnly = new Set(dataset.rollup_only_days ?? []);
  const rollups = new Set(await listRollupDays(out));
  for (const day of days) {
    if (rollupOnly.has(day)) {
      if (!rollups.has(day))
        problems.push({ file: path.join(out, dayRollupPath(day)), message: `missing: manifest.json counts day ${day} from its rollup` });
    } else if (!present.has(day))
      problems.push({ file: path.join(out, "priced", `date=${day}`), message: `missing: manifest.json's dataset has day ${day}` });
  }
  for (const day of present) {
    if (!days.has(day))
      problems.push({ file: path.join(out, "priced", `date=${day}`), message: "is not a day of manifest.json's dataset" });
  }
  if (problems.length === 0) return;
  throw new PipelineError([
    {
      message: `${shown}/manifest.json does not describe the files present (${problems.length} problem${problems.length === 1 ? "" : "s"}${problems.length > SHOWN ? `, the first ${SHOWN} below` : ""})`,
      hint: "the folder was changed by something other than `costs run`: run `costs run` again over the logs of the days you need",
    },
    ...problems.slice(0, SHOWN),
  ]);
}
