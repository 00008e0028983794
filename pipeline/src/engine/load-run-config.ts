import path from "node:path";
import { hashFiles } from "../lib/hash.ts";
import { loadPoliciesOrThrow, type PolicyBook } from "../policies/load-policies.ts";
import { listYamlFiles } from "../pricing/load-catalog.ts";
import { loadPricingOrThrow, type PricingBook } from "../pricing/load-pricing.ts";

/**
 * Loads and checks `pricing/` and `policies/` (any error stops the run before anything is
 * written) and the pricing version they hash to: what the main thread and every worker
 * thread of `costs run` load, so run.ts can check they all loaded the same files.
 */
export async function loadRunConfig(
  pricingDir: string,
  policiesDir: string,
): Promise<{ book: PricingBook; policies: PolicyBook; pricingVersion: string }> {
  const book = await loadPricingOrThrow(pricingDir);
  const policies = await loadPoliciesOrThrow(policiesDir);
  const files = [...(await listYamlFiles(pricingDir)), ...policies.files];
  return { book, policies, pricingVersion: await hashFiles(files, path.dirname(pricingDir)) };
}
