import type { PolicyBook } from "../../policies/load-policies.ts";
import type { LogRow } from "../../schemas/log-row.ts";

export interface Attribution {
  /** The subject when its type is `user`. */
  user: string | null;
  /** The subject when its type is `virtualaccount`. */
  virtual_account: string | null;
  /** Exactly one team (SPEC 5.3): the PAT's, else the virtual account's, else the subject's only team, else `unassigned`. */
  team: string;
  /** Client metadata with the admins' tags injected over it. */
  metadata: Record<string, string>;
  /** Keys whose client-sent value an injected tag replaced with a different value. */
  overrides: string[];
  /** `require_pat_team:<pat>:no_team` when teams.yaml requires it and the PAT has no team. */
  patViolation: string | null;
}

export const UNASSIGNED = "unassigned";

/** The policy violation of a call made with personal access token `pat`, which has no team while teams.yaml requires one. */
export function patTeamViolation(pat: string): string {
  return `require_pat_team:${pat}:no_team`;
}

/**
 * Attributes a call (SPEC 5.3): injects virtual-account tags and the tags of a PAT's team
 * into its metadata (injected values win, so admins' tags cannot be spoofed) and picks
 * its one team.
 */
export function attribute(row: LogRow, policies: PolicyBook): Attribution {
  const type = row.subject_type?.toLowerCase() ?? null;
  const user = type === "user" ? row.subject : null;
  const virtualAccount = type === "virtualaccount" ? row.subject : null;
  const va = virtualAccount !== null ? policies.virtualAccounts.get(virtualAccount) : undefined;
  const pat = row.pat_name !== null ? policies.pats.get(row.pat_name) : undefined;
  const patTeam = pat?.team !== undefined ? policies.teams.get(pat.team) : undefined;

  let metadata = row.metadata;
  const overrides: string[] = [];
  // A PAT's team tags first, then the virtual account's (the more specific) over them.
  if (patTeam) metadata = inject(row.metadata, metadata, patTeam.tags, overrides);
  if (va) metadata = inject(row.metadata, metadata, va.tags, overrides);

  const team = pat?.team ?? va?.team ?? (row.teams.length === 1 ? row.teams[0]! : UNASSIGNED);
  const patViolation = policies.requirePatTeam && row.pat_name !== null && pat?.team === undefined ? patTeamViolation(row.pat_name) : null;
  return { user, virtual_account: virtualAccount, team, metadata, overrides, patViolation };
}

/** Writes `tags` over `metadata` (copied from `sent` before the first change); records replaced keys in `overrides`. */
function inject(
  sent: Record<string, string>,
  metadata: Record<string, string>,
  tags: Record<string, string>,
  overrides: string[],
): Record<string, string> {
  for (const key in tags) {
    const value = tags[key]!;
    const was = Object.hasOwn(metadata, key) ? metadata[key] : undefined;
    if (was === value) continue;
    if (metadata === sent) metadata = { ...sent };
    if (was !== undefined && !overrides.includes(key)) overrides.push(key);
    metadata[key] = value;
  }
  return metadata;
}
