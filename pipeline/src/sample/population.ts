/**
 * Who calls the gateway in the sample: the company of `policies/` (teams, virtual accounts,
 * personal access tokens) plus what a real log holds beyond the policies (users in no team,
 * a PAT nobody listed). `population.test.ts` checks it against the policy files.
 */
export interface SampleUser {
  email: string;
  teams: string[];
  /** Relative share of the users' calls. */
  activity: number;
  /** The PAT this user sometimes calls with, and how often. */
  pat?: { name: string; share: number };
}

export interface SampleVirtualAccount {
  name: string;
  team: string;
}

/** Cost centres as the teams' tags in policies/teams.yaml give them. */
export const TEAM_COST_CENTERS: Record<string, string> = {
  payments: "CC-1042",
  search: "CC-2051",
  support: "CC-3307",
  "data-science": "CC-4410",
  platform: "CC-5120",
};

/** Applications users name in their metadata, by team. */
export const TEAM_APPLICATIONS: Record<string, readonly string[]> = {
  payments: ["risk-review", "dispute-assistant", "notebook"],
  search: ["query-rewrite", "relevance-eval", "notebook"],
  support: ["agent-assist", "macro-writer"],
  "data-science": ["notebook", "eval-suite", "labeling"],
  platform: ["gateway-smoke-test", "chatops", "notebook"],
  "": ["playground", "notebook"],
};

export const VIRTUAL_ACCOUNTS = {
  checkout: { name: "checkout-service", team: "payments" },
  search: { name: "search-indexer", team: "search" },
  support: { name: "support-bot", team: "support" },
  batch: { name: "nightly-batch", team: "data-science" },
  evals: { name: "eval-harness", team: "platform" },
} as const satisfies Record<string, SampleVirtualAccount>;

/** PATs as listed in policies/teams.yaml: with a team, and one without. */
export const LISTED_PATS = {
  "alice-ci": { user: "alice.nguyen@example.com", team: "payments" },
  "emma-notebook": { user: "emma.schmidt@example.com", team: "search" },
  "isabel-scripts": { user: "isabel.costa@example.com", team: "support" },
  "maya-evals": { user: "maya.patel@example.com", team: "data-science" },
  "chloe-platform-ci": { user: "chloe.martin@example.com", team: "platform" },
  "victor-sandbox": { user: "victor.dubois@example.com", team: undefined },
} as const;

/** A PAT that appears in the logs but nobody listed in policies/teams.yaml. */
export const UNLISTED_PAT = "yara-laptop";

export const USERS: readonly SampleUser[] = [
  { email: "alice.nguyen@example.com", teams: ["payments"], activity: 9, pat: { name: "alice-ci", share: 0.4 } },
  { email: "ben.okafor@example.com", teams: ["payments"], activity: 5 },
  { email: "chloe.martin@example.com", teams: ["payments", "platform"], activity: 6, pat: { name: "chloe-platform-ci", share: 0.3 } },
  { email: "diego.alvarez@example.com", teams: ["payments"], activity: 3 },
  { email: "uma.reddy@example.com", teams: ["payments"], activity: 2 },
  { email: "emma.schmidt@example.com", teams: ["search"], activity: 8, pat: { name: "emma-notebook", share: 0.5 } },
  { email: "farid.haddad@example.com", teams: ["search"], activity: 4 },
  { email: "grace.lee@example.com", teams: ["search", "data-science"], activity: 5 },
  { email: "hiro.tanaka@example.com", teams: ["search"], activity: 2 },
  { email: "isabel.costa@example.com", teams: ["support"], activity: 6, pat: { name: "isabel-scripts", share: 0.3 } },
  { email: "jamal.wright@example.com", teams: ["support"], activity: 4 },
  { email: "katya.ivanova@example.com", teams: ["support"], activity: 3 },
  { email: "liam.obrien@example.com", teams: ["support"], activity: 2 },
  { email: "xavier.mendes@example.com", teams: ["support"], activity: 1 },
  { email: "maya.patel@example.com", teams: ["data-science"], activity: 12, pat: { name: "maya-evals", share: 0.5 } },
  { email: "noah.kim@example.com", teams: ["data-science"], activity: 7 },
  { email: "olivia.rossi@example.com", teams: ["data-science"], activity: 5 },
  { email: "pedro.silva@example.com", teams: ["data-science", "search"], activity: 3 },
  { email: "quinn.murphy@example.com", teams: ["platform"], activity: 4 },
  { email: "rania.aziz@example.com", teams: ["platform"], activity: 3 },
  { email: "sam.cohen@example.com", teams: ["platform"], activity: 2 },
  { email: "tara.singh@example.com", teams: ["platform"], activity: 1 },
  { email: "victor.dubois@example.com", teams: [], activity: 2, pat: { name: "victor-sandbox", share: 0.6 } },
  { email: "wen.zhao@example.com", teams: [], activity: 1 },
  { email: "yara.haddad@example.com", teams: [], activity: 2, pat: { name: UNLISTED_PAT, share: 0.5 } },
];
