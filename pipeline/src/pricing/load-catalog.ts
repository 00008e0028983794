import { readdir } from "node:fs/promises";
import path from "node:path";
import { checkSchema } from "../lib/check-schema.ts";
import { PipelineError, type Problem } from "../lib/errors.ts";
import { readYaml } from "../lib/read-yaml.ts";
import { catalogCostsSchema, CatalogEntrySchema, ProviderDefaultsSchema } from "../schemas/catalog-entry.schema.ts";
import type { CostFields } from "../schemas/cost-fields.schema.ts";
import { toRates, type RateCard } from "./rate-card.ts";

/** A model of the public catalog, with its cost entries parsed into exact decimals. */
export interface CatalogModel {
  provider: string;
  model: string;
  mode?: string;
  file: string;
  /** `defaultRegion` of the file, else of the provider's default.yaml. */
  defaultRegion?: string;
  /** Empty when the file has no `costs`. A v1 map is one `"*"` entry. */
  entries: RateCard[];
  /** `v1` (costs is a map), `v2` (costs is a list) or `none`. */
  shape: "v1" | "v2" | "none";
}

export interface Provider {
  name: string;
  /** The provider's `default.yaml` fields, when there is one. */
  defaults: Record<string, unknown>;
  models: Map<string, CatalogModel>;
}

export interface Catalog {
  dir: string;
  providers: Map<string, Provider>;
  fileCount: number;
}

/**
 * Loads `<dir>/providers/<provider>/**.yaml` (SPEC 4.1). Both cost shapes load; unknown
 * fields are kept and ignored; `default.yaml` holds provider defaults (its `defaultRegion`
 * applies to the provider's models that set none). Every problem is collected, not thrown.
 */
export async function loadCatalog(dir: string): Promise<{ catalog: Catalog; problems: Problem[] }> {
  const problems: Problem[] = [];
  const providersDir = path.join(dir, "providers");
  const catalog: Catalog = { dir, providers: new Map(), fileCount: 0 };
  let providerNames: string[];
  try {
    providerNames = (await readdir(providersDir, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
  } catch {
    throw new PipelineError({
      file: providersDir,
      message: "catalog folder not found",
      hint: "pass --pricing-dir pointing at a folder with catalog/providers/<provider>/*.yaml",
    });
  }

  for (const name of providerNames) {
    const provider: Provider = { name, defaults: {}, models: new Map() };
    catalog.providers.set(name, provider);
    const files = await listYamlFiles(path.join(providersDir, name));
    const parsed = await Promise.all(files.map(async (file) => ({ file, yaml: await readYamlProblems(file, problems) })));
    catalog.fileCount += files.length;

    for (const { file, yaml } of parsed) {
      if (!yaml || path.basename(file) !== "default.yaml") continue;
      const { value, problems: found } = checkSchema(ProviderDefaultsSchema, yaml);
      problems.push(...found);
      if (value) Object.assign(provider.defaults, value);
    }
    const defaultRegion = typeof provider.defaults.defaultRegion === "string" ? provider.defaults.defaultRegion : undefined;

    for (const { file, yaml } of parsed) {
      if (!yaml || path.basename(file) === "default.yaml") continue;
      const { value, problems: found } = checkSchema(CatalogEntrySchema, yaml);
      problems.push(...found);
      if (!value) continue;
      let costs: unknown = null;
      if (value.costs != null) {
        const checked = checkSchema(catalogCostsSchema(value.costs), yaml, ["costs"], value.costs);
        problems.push(...checked.problems);
        if (!checked.value) continue;
        costs = checked.value;
      }
      const existing = provider.models.get(value.model);
      if (existing) {
        problems.push({
          file,
          line: yaml.lineOf(["model"]),
          field: "model",
          message: `model \`${value.model}\` is already defined by ${existing.file}`,
          hint: "a model id must be unique within its provider folder",
        });
        continue;
      }
      const model: CatalogModel = { provider: name, model: value.model, file, entries: [], shape: "none" };
      if (value.mode) model.mode = value.mode;
      const region = value.defaultRegion ?? defaultRegion;
      if (region) model.defaultRegion = region;
      if (Array.isArray(costs)) {
        model.shape = "v2";
        (costs as Array<CostFields & { region: string; priority_pricing?: CostFields }>).forEach((entry, index) => {
          const card: RateCard = { ...toRates(entry as CostFields), region: entry.region, ref: `${file}#costs[${index}]`, file };
          const line = yaml.lineOf(["costs", index]);
          if (line !== undefined) card.line = line;
          if (entry.priority_pricing) card.priority = toRates(entry.priority_pricing as CostFields);
          model.entries.push(card);
        });
        problems.push(...duplicateRegions(model, yaml.lineOf.bind(yaml)));
      } else if (costs) {
        model.shape = "v1";
        const card: RateCard = { ...toRates(costs as CostFields), region: "*", ref: `${file}#costs`, file };
        const line = yaml.lineOf(["costs"]);
        if (line !== undefined) card.line = line;
        model.entries.push(card);
      }
      provider.models.set(value.model, model);
    }
  }
  return { catalog, problems };
}

function duplicateRegions(model: CatalogModel, lineOf: (p: PropertyKey[]) => number | undefined): Problem[] {
  const seen = new Map<string, number>();
  const problems: Problem[] = [];
  model.entries.forEach((entry, index) => {
    const first = seen.get(entry.region);
    if (first === undefined) seen.set(entry.region, index);
    else {
      problems.push({
        file: model.file,
        line: lineOf(["costs", index, "region"]),
        field: `costs[${index}].region`,
        message: `region \`${entry.region}\` is already priced by costs[${first}]`,
        hint: "keep one cost entry per region",
      });
    }
  });
  return problems;
}

async function readYamlProblems(file: string, problems: Problem[]) {
  try {
    return await readYaml(file);
  } catch (error) {
    if (error instanceof PipelineError) {
      problems.push(...error.problems);
      return undefined;
    }
    throw error;
  }
}

/** Every `.yaml`/`.yml` file under `dir`, nested folders included, sorted for determinism. */
export async function listYamlFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

export { readYamlProblems };
