import type { Catalog } from "../pricing/load-catalog.ts";
import { formatDecimal } from "../pricing/money.ts";

/**
 * Rate fields the upstream catalog does not have and the project writes into catalog files
 * by hand from the provider's published rule (pricing/README.md): `costs catalog sync`
 * keeps them. Anthropic's 1-hour cache-write rate is the only one.
 */
export const HAND_KEPT_RATES = ["cache_creation_input_token_cost_above_1hr"] as const;

/** A hand-written rate of the current catalog that the upstream file of the same model and region lacks. */
export interface KeptRate {
  /** `provider/model`. */
  key: string;
  region: string;
  field: string;
  rate: string;
  /** The upstream file, and its cost shape. */
  file: string;
  shape: "v1" | "v2";
}

/**
 * The HAND_KEPT_RATES of `current` that `upstream` has no value for, per model and region
 * entry. A rate upstream does have wins (it is not listed); a model or region entry upstream
 * dropped takes its hand-written rates with it.
 */
export function handRatesToKeep(current: Catalog, upstream: Catalog): KeptRate[] {
  const kept: KeptRate[] = [];
  for (const provider of current.providers.values()) {
    for (const model of provider.models.values()) {
      const next = upstream.providers.get(provider.name)?.models.get(model.model);
      if (!next || next.shape === "none") continue;
      for (const entry of model.entries) {
        const target = next.entries.find((e) => e.region === entry.region);
        if (!target) continue;
        for (const field of HAND_KEPT_RATES) {
          const rate = entry.rates[field];
          if (rate === undefined || target.rates[field] !== undefined) continue;
          kept.push({
            key: `${provider.name}/${model.model}`,
            region: entry.region,
            field,
            rate: formatDecimal(rate),
            file: next.file,
            shape: next.shape,
          });
        }
      }
    }
  }
  return kept;
}

/**
 * `text` (a catalog YAML file) with `field: rate` added to its cost entry for `region`: in a
 * v1 file under `costs:` (at the indentation of its first field), in a v2 file beside the
 * entry's `region:` key (at its column). Undefined when the entry cannot be found in the text.
 */
export function insertRate(text: string, rate: KeptRate): string | undefined {
  const lines = text.split("\n");
  const line = `${rate.field}: ${rate.rate}`;
  if (rate.shape === "v1") {
    const at = lines.findIndex((l) => /^costs:\s*(#.*)?$/.test(l));
    if (at < 0) return undefined;
    const first = lines.slice(at + 1).find((l) => l.trim() !== "" && !l.trim().startsWith("#"));
    const indent = first === undefined ? undefined : /^( +)[^\s-]/.exec(first)?.[1];
    if (indent === undefined) return undefined;
    lines.splice(at + 1, 0, `${indent}${line}`);
    return lines.join("\n");
  }
  for (let i = 0; i < lines.length; i++) {
    const match = /^( *)(- +)?region:\s*(.*?)\s*(#.*)?$/.exec(lines[i]!);
    if (!match || unquote(match[3]!) !== rate.region) continue;
    lines.splice(i + 1, 0, `${" ".repeat(match[1]!.length + (match[2]?.length ?? 0))}${line}`);
    return lines.join("\n");
  }
  return undefined;
}

function unquote(value: string): string {
  return /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value;
}
