import { cp, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { simpleGit } from "simple-git";
import { stringify } from "yaml";
import { PipelineError, type Problem } from "../lib/errors.ts";
import { exists } from "../lib/exists.ts";
import { loadCatalog, type Catalog } from "../pricing/load-catalog.ts";
import { formatDecimal } from "../pricing/money.ts";
import { handRatesToKeep, insertRate } from "./keep-hand-rates.ts";

export interface SyncOptions {
  /** Upstream git URL or local path (a repository with providers/ at its root). */
  from: string;
  /** Branch, tag or commit; default: the upstream's default branch. */
  ref?: string;
  /** The project's pricing folder; the catalog is `<pricingDir>/catalog`. */
  pricingDir: string;
  now: () => Date;
}

export interface SyncResult {
  commit: string;
  files: number;
  models: number;
  withCosts: number;
  /** Lines of the changelog section written (empty when no price changed). */
  changes: string[];
}

/**
 * `costs catalog sync`: replaces `pricing/catalog/providers/` with the upstream catalog at
 * `ref`, records the commit in `SOURCE.yaml` and prepends the price changes to
 * `CHANGELOG.md`. Hand-written rates of a field upstream lacks (keep-hand-rates.ts) are
 * written into the new files of the same model and region entry. The upstream files must load without errors first; the new folder is
 * staged beside the old one and swapped in with a rename.
 */
export async function syncCatalog(options: SyncOptions): Promise<SyncResult> {
  const work = await mkdtemp(path.join(tmpdir(), "costs-catalog-sync-"));
  try {
    const checkout = path.join(work, "upstream");
    const git = simpleGit();
    try {
      await git.clone(options.from, checkout, options.ref ? ["--no-checkout"] : ["--depth", "1"]);
      if (options.ref) await simpleGit({ baseDir: checkout }).checkout(options.ref);
    } catch (error) {
      throw new PipelineError({
        message: `cannot fetch the upstream catalog from ${options.from}${options.ref ? ` at ${options.ref}` : ""}: ${firstLine(error)}`,
        hint: "check --from (a git URL or a local repository) and --ref",
      });
    }
    const commit = (await simpleGit({ baseDir: checkout }).revparse(["HEAD"])).trim();
    if (!(await exists(path.join(checkout, "providers")))) {
      throw new PipelineError({
        message: `${options.from} has no providers/ folder at ${commit.slice(0, 12)}`,
        hint: "point --from at a truefoundry/models-style repository",
      });
    }
    const upstream = await loadCatalog(checkout);
    const errors = upstream.problems.filter((p: Problem) => p.severity !== "warning");
    if (errors.length > 0) {
      throw new PipelineError(
        errors.map((p) => ({ ...p, hint: p.hint ?? `the upstream catalog at ${commit.slice(0, 12)} does not load; nothing was changed` })),
      );
    }

    const catalogDir = path.join(options.pricingDir, "catalog");
    const current = (await exists(path.join(catalogDir, "providers"))) ? (await loadCatalog(catalogDir)).catalog : undefined;
    let changes = current ? catalogChanges(current, upstream.catalog) : ["first sync: every model is new"];

    // swap the providers folder in
    const staged = path.join(catalogDir, `.providers-${commit.slice(0, 12)}`);
    await rm(staged, { recursive: true, force: true });
    await cp(path.join(checkout, "providers"), staged, { recursive: true });
    // Rates upstream has no field for (keep-hand-rates.ts) stay in the files they were added to.
    const kept = new Set<string>();
    for (const rate of current ? handRatesToKeep(current, upstream.catalog) : []) {
      const file = path.join(staged, path.relative(path.join(checkout, "providers"), path.resolve(checkout, rate.file)));
      const patched = insertRate(await readFile(file, "utf8"), rate);
      if (patched === undefined) continue;
      await writeFile(file, patched);
      kept.add(`\`${rate.key}\` ${rate.region === "*" ? "" : `${rate.region} `}${rate.field}: ${rate.rate} → —`);
    }
    changes = changes.filter((line) => !kept.has(line));
    const old = path.join(catalogDir, `.providers-old-${commit.slice(0, 12)}`);
    if (await exists(path.join(catalogDir, "providers"))) await rename(path.join(catalogDir, "providers"), old);
    await rename(staged, path.join(catalogDir, "providers"));
    await rm(old, { recursive: true, force: true });

    const syncedAt = options.now().toISOString();
    await writeFile(
      path.join(catalogDir, "SOURCE.yaml"),
      `# Where pricing/catalog/ comes from. \`costs catalog sync\` rewrites this file.\n${stringify({
        repository: options.from,
        ref: options.ref ?? null,
        commit,
        synced_at: syncedAt,
      })}`,
    );
    if (changes.length > 0) {
      const changelog = path.join(catalogDir, "CHANGELOG.md");
      const previous = (await exists(changelog)) ? (await readFile(changelog, "utf8")).replace(/^# Catalog changes\n+/, "") : "";
      const section = [`## ${syncedAt.slice(0, 10)}: upstream ${commit.slice(0, 12)}`, "", ...changes.map((c) => `- ${c}`), ""].join("\n");
      await writeFile(changelog, `# Catalog changes\n\n${section}\n${previous}`);
    }
    let models = 0;
    let withCosts = 0;
    for (const provider of upstream.catalog.providers.values()) {
      models += provider.models.size;
      for (const model of provider.models.values()) if (model.entries.length > 0) withCosts++;
    }
    return { commit, files: upstream.catalog.fileCount, models, withCosts, changes };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Models added and removed and every rate changed, per provider/model and region, in a stable order. */
export function catalogChanges(before: Catalog, after: Catalog): string[] {
  const lines: string[] = [];
  const flatten = (catalog: Catalog) => {
    const out = new Map<string, Map<string, string>>();
    for (const provider of catalog.providers.values()) {
      for (const model of provider.models.values()) {
        const rates = new Map<string, string>();
        for (const entry of model.entries) {
          for (const [field, rate] of Object.entries(entry.rates)) rates.set(`${entry.region} ${field}`, formatDecimal(rate!));
          for (const [component, tiers] of Object.entries(entry.tiers)) {
            for (const t of tiers!) rates.set(`${entry.region} tiered_pricing.${component} from ${t.from}`, formatDecimal(t.rate));
          }
        }
        out.set(`${provider.name}/${model.model}`, rates);
      }
    }
    return out;
  };
  const a = flatten(before);
  const b = flatten(after);
  for (const key of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const x = a.get(key);
    const y = b.get(key);
    if (!x) {
      lines.push(`added \`${key}\``);
      continue;
    }
    if (!y) {
      lines.push(`removed \`${key}\``);
      continue;
    }
    for (const rate of [...new Set([...x.keys(), ...y.keys()])].sort()) {
      const old = x.get(rate);
      const now = y.get(rate);
      if (old !== now) lines.push(`\`${key}\` ${rate.replace(/^\* /, "")}: ${old ?? "—"} → ${now ?? "—"}`);
    }
  }
  return lines;
}

function firstLine(error: unknown): string {
  return String((error as Error).message ?? error).split("\n")[0]!;
}
