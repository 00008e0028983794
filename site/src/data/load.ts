/**
 * The one place the site reads its data: the JSON files `costs site-data` writes into
 * `site/.data/`, each validated with the pipeline's zod schemas. A missing or invalid
 * file stops the build with a message that names it and says how to produce it.
 * Build time only (reads the file system).
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { z } from "zod";
import {
  BreakdownSchema,
  SiteBudgetsSchema,
  SiteDownloadsSchema,
  SiteIssuesSchema,
  SitePricesSchema,
  SiteReconciliationSchema,
  SiteSummarySchema,
  type Breakdown,
  type SiteBudgets,
  type SiteDownloads,
  type SiteIssues,
  type SitePrices,
  type SiteReconciliation,
  type SiteSummary,
} from "../../../pipeline/src/schemas/site-data.schema.ts";
import { breakdownFile } from "../../../pipeline/src/site-data/breakdown-file.ts";

declare const __SITE_ROOT__: string | undefined;
declare const __SITE_PUBLIC_DIR__: string | undefined;
/** `site/` (Astro's root): defined by astro.config.mjs; scripts run from the repository root fall back to ./site. */
const SITE_ROOT: string = typeof __SITE_ROOT__ === "string" ? __SITE_ROOT__ : path.resolve(process.cwd(), "site");
export const DATA_DIR = process.env.SITE_DATA_DIR ? path.resolve(process.env.SITE_DATA_DIR) : path.join(SITE_ROOT, ".data");
/** Astro's publicDir (SITE_PUBLIC_DIR in astro.config.mjs): the downloads are under its data/. */
export const PUBLIC_DIR = typeof __SITE_PUBLIC_DIR__ === "string" ? __SITE_PUBLIC_DIR__ : path.join(SITE_ROOT, "public");

const HOW = "Produce it with `npm run costs -- site-data` (after `npm start`, or `npm run costs -- run --logs …`).";

export class SiteDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SiteDataError";
  }
}

const cache = new Map<string, unknown>();

/** The file as the user would type it: relative inside the working directory, else absolute. */
function relative(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : file;
}

function load<T>(name: string, schema: z.ZodType<T>): T {
  if (cache.has(name)) return cache.get(name) as T;
  const file = path.join(DATA_DIR, name);
  if (!existsSync(file)) throw new SiteDataError(`site data missing: ${relative(file)} does not exist. ${HOW}`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new SiteDataError(`site data invalid: ${relative(file)} is not JSON (${(error as Error).message}). ${HOW}`);
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues
      .slice(0, 8)
      .map((issue) => `  ${issue.path.length ? issue.path.join(".") : "(root)"}: ${issue.message}`)
      .join("\n");
    const more = result.error.issues.length > 8 ? `\n  … and ${result.error.issues.length - 8} more` : "";
    throw new SiteDataError(`site data invalid: ${relative(file)} does not match its schema (pipeline/src/schemas/site-data.schema.ts):\n${problems}${more}\n${HOW}`);
  }
  cache.set(name, result.data);
  return result.data;
}

export function loadSummary(): SiteSummary {
  return load("summary.json", SiteSummarySchema);
}

/**
 * The breakdown of `user`, `model`, `team` or `metadata.<key>`: `breakdown-<dimension>.json`,
 * for a metadata key `breakdown-metadata.<slug>.json` (named by `breakdownFile`, as
 * `costs site-data` wrote it). A file that holds another dimension stops the build.
 */
export function loadBreakdown(dimension: string): Breakdown {
  const name = breakdownFile(dimension);
  const breakdown = load(name, BreakdownSchema);
  if (breakdown.dimension !== dimension) {
    throw new SiteDataError(
      `site data invalid: ${relative(path.join(DATA_DIR, name))} holds the breakdown of ${JSON.stringify(breakdown.dimension)}, not of ${JSON.stringify(dimension)}. ${HOW}`,
    );
  }
  return breakdown;
}

export function loadIssues(): SiteIssues {
  return load("issues.json", SiteIssuesSchema);
}

export function loadPrices(): SitePrices {
  return load("prices.json", SitePricesSchema);
}

/** `budgets.json`: the budget report at the data's last day (no budgets.yaml: no rules). */
export function loadBudgets(): SiteBudgets {
  return load("budgets.json", SiteBudgetsSchema);
}

export function loadReconciliation(): SiteReconciliation {
  return load("reconciliation.json", SiteReconciliationSchema);
}

/** `downloads.json`; every file it links must be under `site/public/` (copied by `costs site-data`). */
export function loadDownloads(): SiteDownloads {
  const downloads = load("downloads.json", SiteDownloadsSchema);
  if (!cache.has("downloads:checked")) {
    const files = [...downloads.extracts.flatMap((e) => e.files), ...downloads.focus, downloads.cube];
    const missing = files.map((f) => f.href).filter((href) => !existsSync(path.join(PUBLIC_DIR, href)));
    if (missing.length > 0) {
      throw new SiteDataError(
        `site data incomplete: ${relative(path.join(DATA_DIR, "downloads.json"))} links files missing under ${relative(PUBLIC_DIR)}/: ${missing.join(", ")}. ${HOW}`,
      );
    }
    cache.set("downloads:checked", true);
  }
  return downloads;
}
