import { writeFile } from "node:fs/promises";
import path from "node:path";
import { PipelineError } from "../lib/errors.ts";
import { lockContext, type Io } from "../lib/io.ts";
import { formatNano } from "../pricing/money.ts";
import { GroupFieldSchema } from "../schemas/extracts.schema.ts";
import { GROUP_FIELDS } from "../schemas/fields.ts";
import { readOutputs } from "../outputs/read-outputs.ts";
import { listPartitions, readPartitions } from "../dataset/read-partitions.ts";
import { computeExtract } from "../extracts/compute-extract.ts";
import { extractToColumns } from "../extracts/extract-to-columns.ts";
import { extractToCsv } from "../extracts/extract-to-csv.ts";
import { toParquetBuffer } from "../parquet/write-parquet.ts";

export interface ExtractOptions {
  groupBy: string;
  period?: string;
  format: string;
  /** Start the CSV with the UTF-8 byte order mark. */
  bom?: boolean;
  out?: string;
  data: string;
  since?: string;
  until?: string;
}

/**
 * `costs extract`: an ad hoc extract from the priced partitions, grouped by any fields
 * (the site's "Download Raw Data"). CSV goes to stdout when no --out is given.
 */
export async function extractCommand(options: ExtractOptions, io: Io): Promise<number> {
  const fields = options.groupBy
    .split(",")
    .map((f) => f.trim())
    .filter(Boolean);
  for (const field of fields) {
    if (!GroupFieldSchema.safeParse(field).success) {
      throw new PipelineError({
        field: "--group-by",
        message: `unknown field \`${field}\``,
        hint: `use ${GROUP_FIELDS.join(", ")} or metadata.<key>`,
      });
    }
  }
  if (options.period !== undefined && options.period !== "day" && options.period !== "month") {
    throw new PipelineError({ field: "--period", message: `must be day or month, got ${options.period}` });
  }
  if (options.format !== "csv" && options.format !== "parquet") {
    throw new PipelineError({ field: "--format", message: `must be csv or parquet, got ${options.format}` });
  }
  if (options.format === "parquet" && !options.out) {
    throw new PipelineError({ field: "--out", message: "a Parquet extract needs --out FILE" });
  }
  if (options.format === "parquet" && options.bom) {
    throw new PipelineError({
      field: "--bom",
      message: "a byte order mark is for CSV; a Parquet file has none",
      hint: "drop --bom or use --format csv",
    });
  }
  // --period puts the time field first; a date/month also named in --group-by is not repeated.
  const periodField = options.period === "day" ? "date" : options.period === "month" ? "month" : undefined;
  const groupBy = periodField ? [periodField, ...fields.filter((f) => f !== "date" && f !== "month")] : fields;
  if (groupBy.length === 0) throw new PipelineError({ field: "--group-by", message: "name at least one field, or --period" });

  const data = path.resolve(io.cwd, options.data);
  const { days, dataset } = await readOutputs(data, lockContext(io, "costs extract"), async () => {
    const days = (await listPartitions(data)).filter(
      (d) => (!options.since || d >= options.since) && (!options.until || d <= options.until),
    );
    if (days.length === 0) {
      throw new PipelineError({
        file: path.join(data, "priced"),
        message: "no priced partitions to extract from",
        hint: "run `costs run` first, or check --data, --since and --until",
      });
    }
    return { days, dataset: await readPartitions(data, days) };
  });
  const extract = computeExtract(dataset, groupBy);
  if (options.format === "csv") {
    const csv = extractToCsv(extract, options.bom ?? false);
    if (options.out) await writeFile(path.resolve(io.cwd, options.out), csv);
    else io.out(csv);
  } else {
    await writeFile(path.resolve(io.cwd, options.out!), new Uint8Array(toParquetBuffer(extractToColumns(extract))));
  }
  io.err(
    `extract: ${extract.rows.length.toLocaleString("en")} rows grouped by ${groupBy.join(", ")} from ${dataset.length.toLocaleString("en")} priced rows ` +
      `(${days[0]} … ${days.at(-1)}), cost_usd ${formatNano(extract.totalCostNano)}${options.out ? `, written to ${options.out}` : ""}\n`,
  );
  return 0;
}
