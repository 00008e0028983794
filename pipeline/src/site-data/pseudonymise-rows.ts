/**
 * What `costs site-data --pseudonymise-users` changes in the priced rows it has read, before
 * anything is summed or written, so every file it writes (JSON, cube, the copies of the
 * extracts) holds pseudonyms only:
 *
 * - `user`: each user name → its pseudonym, `user-` + 12 hex digits (`toPseudonyms`);
 * - `metadata`: a value equal to a user name (a key such as `owner` holding emails) → that
 *   user's pseudonym; other values stay;
 * - `policy_violations`: `require_pat_team:<pat>:no_team` → `require_pat_team:pat-<hex>:no_team`
 *   (personal access tokens are usually named after their owner).
 *
 * Values that only contain a user name, or spell it in another case, are not replaced.
 * Returns new columns; the rows read are not changed.
 */
import { patTeamViolation } from "../stages/attribute/index.ts";
import type { Dataset } from "../dataset/read-partitions.ts";
import { toPseudonyms } from "./to-pseudonyms.ts";

export interface PseudonymisedRows {
  dataset: Dataset;
  /** The other columns site-data reads: `user` and `policy_violations` replaced (`pat_name` is read, not replaced). */
  extra: Record<string, unknown[]>;
  /** How many distinct user names were replaced. */
  users: number;
  /** Each user name → its pseudonym (what a user name among metadata values became too). */
  pseudonyms: Map<string, string>;
}

export function pseudonymiseRows(dataset: Dataset, extra: Record<string, unknown[]>, salt: string): PseudonymisedRows {
  const names = new Set<string>();
  for (const column of [dataset.user, extra.user!]) for (const u of column) if (typeof u === "string") names.add(u);

  // Metadata: each distinct JSON text parsed once; its other values must not become pseudonyms.
  const metadata = new Map<string, Record<string, unknown>>();
  const taken = new Set<string>();
  for (const text of dataset.metadata) {
    if (typeof text !== "string" || metadata.has(text)) continue;
    const values = JSON.parse(text) as Record<string, unknown>;
    metadata.set(text, values);
    for (const v of Object.values(values)) if (typeof v === "string" && !names.has(v)) taken.add(v);
  }
  const users = toPseudonyms(names, salt, { taken });
  const rewritten = new Map<string, string>();
  for (const [text, values] of metadata) {
    if (!Object.values(values).some((v) => typeof v === "string" && users.has(v))) continue;
    rewritten.set(
      text,
      JSON.stringify(Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === "string" ? (users.get(v) ?? v) : v]))),
    );
  }
  const user = (u: unknown) => (typeof u === "string" ? users.get(u)! : u);
  const meta = (m: unknown) => (typeof m === "string" ? (rewritten.get(m) ?? m) : m);

  // Personal access tokens named in a `require_pat_team` violation.
  const lists = (extra.policy_violations ?? []).map((v) => (typeof v === "string" ? (JSON.parse(v) as string[]) : []));
  const patNames = extra.pat_name ?? [];
  const pats = new Set<string>();
  lists.forEach((list, i) => {
    const pat = patNames[i];
    if (typeof pat === "string" && list.includes(patTeamViolation(pat))) pats.add(pat);
  });
  const patPseudonyms = toPseudonyms(pats, salt, { prefix: "pat-" });
  const violations = (extra.policy_violations ?? []).map((v, i) => {
    const pat = patNames[i];
    if (typeof pat !== "string" || !patPseudonyms.has(pat)) return v;
    const own = patTeamViolation(pat);
    return JSON.stringify(lists[i]!.map((x) => (x === own ? patTeamViolation(patPseudonyms.get(pat)!) : x)));
  });

  return {
    dataset: { ...dataset, user: dataset.user.map(user), metadata: dataset.metadata.map(meta) },
    extra: {
      ...extra,
      user: extra.user!.map(user),
      ...(extra.policy_violations ? { policy_violations: violations } : {}),
    },
    users: users.size,
    pseudonyms: users,
  };
}
