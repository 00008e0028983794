import { z } from "zod";
import { CatalogCostFieldsSchema } from "./cost-fields.schema.ts";

/** One region entry of a v2 catalog file: `region` plus cost fields, optionally `priority_pricing`. */
export const CatalogRegionEntrySchema = CatalogCostFieldsSchema.extend({
  region: z.string({ error: 'must be a region id or "*"' }).min(1),
  priority_pricing: CatalogCostFieldsSchema.optional(),
});

/**
 * A model file of the public catalog (SPEC 4.1). v1: `costs` is one map of cost fields;
 * v2: `costs` is a list of region entries. A file without `costs` is a model with no
 * published price. Unknown top-level fields (params, limits, features ...) are kept.
 */
export const CatalogEntrySchema = z.looseObject({
  model: z.string({ error: "must be the provider's model id" }).min(1),
  mode: z.string().optional(),
  defaultRegion: z.string().min(1).optional(),
  /** Checked by shape with `CatalogCostsSchema`, so errors point into the shape that was written. */
  costs: z.unknown().optional(),
});
export type CatalogEntry = z.infer<typeof CatalogEntrySchema>;

/** `costs` of a catalog file: a list of region entries (v2) or one map (v1). */
export function catalogCostsSchema(costs: unknown) {
  return Array.isArray(costs) ? z.array(CatalogRegionEntrySchema) : CatalogCostFieldsSchema;
}

/** A provider's `default.yaml`: provider-wide defaults, no `model`. */
export const ProviderDefaultsSchema = z.looseObject({
  defaultRegion: z.string().min(1).optional(),
});
