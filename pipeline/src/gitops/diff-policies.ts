import path from "node:path";
import { readYaml } from "../lib/read-yaml.ts";
import { exists } from "../lib/exists.ts";
import type { PricingDiff } from "../schemas/pricing-diff.schema.ts";

/** The named lists of each policy file, compared entry by entry. */
const LISTS: Record<string, string[]> = {
  "teams.yaml": ["teams", "personal_access_tokens"],
  "virtual-accounts.yaml": ["virtual_accounts"],
  "metadata-validation.yaml": ["guardrails"],
  "extracts.yaml": ["extracts"],
  "budgets.yaml": ["rules"],
};

/** Entries added, removed or changed in the policy files between two folders, plus other top-level settings. */
export async function diffPolicies(baseDir: string, headDir: string): Promise<PricingDiff["policy_changes"]> {
  const changes: PricingDiff["policy_changes"] = [];
  for (const [file, lists] of Object.entries(LISTS)) {
    const a = await load(path.join(baseDir, file));
    const b = await load(path.join(headDir, file));
    for (const list of lists) {
      const before = byName(a?.[list]);
      const after = byName(b?.[list]);
      for (const name of [...new Set([...before.keys(), ...after.keys()])].sort()) {
        const x = before.get(name);
        const y = after.get(name);
        const what = list.replace(/s$/, "").replaceAll("_", " ");
        if (!x) changes.push({ file: `policies/${file}`, kind: "added", name, detail: `${what} added` });
        else if (!y) changes.push({ file: `policies/${file}`, kind: "removed", name, detail: `${what} removed` });
        else if (JSON.stringify(x) !== JSON.stringify(y))
          changes.push({ file: `policies/${file}`, kind: "changed", name, detail: describe(what, x, y) });
      }
    }
    for (const key of [...new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})])].sort()) {
      if (lists.includes(key)) continue;
      const x = JSON.stringify(a?.[key] ?? null);
      const y = JSON.stringify(b?.[key] ?? null);
      if (x !== y) changes.push({ file: `policies/${file}`, kind: "changed", name: key, detail: `${key}: ${x} → ${y}` });
    }
  }
  return changes;
}

async function load(file: string): Promise<Record<string, unknown> | undefined> {
  if (!(await exists(file))) return undefined;
  return ((await readYaml(file)).data ?? {}) as Record<string, unknown>;
}

function byName(list: unknown): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  if (Array.isArray(list))
    for (const item of list) if (item && typeof item === "object" && "name" in item) out.set(String(item.name), item);
  return out;
}

function describe(what: string, x: Record<string, unknown>, y: Record<string, unknown>): string {
  const fields = [...new Set([...Object.keys(x), ...Object.keys(y)])].filter((k) => JSON.stringify(x[k]) !== JSON.stringify(y[k])).sort();
  return `${what} changed: ${fields.map((f) => `${f} ${JSON.stringify(x[f] ?? null)} → ${JSON.stringify(y[f] ?? null)}`).join("; ")}`;
}
