import { readdir } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readYaml } from "../lib/read-yaml.ts";
import { loadPolicies } from "../policies/load-policies.ts";
import { generateSample } from "./generate-sample.ts";
import { LISTED_PATS, TEAM_COST_CENTERS, UNLISTED_PAT, USERS, VIRTUAL_ACCOUNTS } from "./population.ts";

const ROOT = path.resolve(import.meta.dirname, "../../..");

describe("the sample's population matches policies/", async () => {
  const { policies, problems } = await loadPolicies(path.join(ROOT, "policies"));

  it("loads the policy files with no problems", () => {
    expect(problems).toEqual([]);
    expect(policies.requirePatTeam).toBe(true);
    expect([...policies.teams.keys()]).toEqual(["payments", "search", "support", "data-science", "platform"]);
  });

  it("uses the teams, cost centres and virtual accounts of the policies", () => {
    for (const [team, costCenter] of Object.entries(TEAM_COST_CENTERS))
      expect(policies.teams.get(team)?.tags.cost_center, team).toBe(costCenter);
    expect(policies.virtualAccounts.size).toBe(Object.keys(VIRTUAL_ACCOUNTS).length);
    for (const va of Object.values(VIRTUAL_ACCOUNTS)) {
      const listed = policies.virtualAccounts.get(va.name);
      expect(listed?.team, va.name).toBe(va.team);
      // A virtual account's tags name its team's cost centre and its own application.
      expect(listed?.tags).toMatchObject({
        cost_center: TEAM_COST_CENTERS[va.team],
        application: expect.any(String),
        environment: expect.stringMatching(/^(production|staging|dev)$/),
      });
    }
    for (const user of USERS) for (const team of user.teams) expect(policies.teams.has(team), `${user.email} ${team}`).toBe(true);
  });

  it("lists the PATs the sample uses, one without a team, and not the unlisted one", () => {
    expect([...policies.pats.keys()].sort()).toEqual(Object.keys(LISTED_PATS).sort());
    for (const [name, pat] of Object.entries(LISTED_PATS)) {
      expect(policies.pats.get(name)).toMatchObject({ user: pat.user });
      expect(policies.pats.get(name)?.team, name).toBe(pat.team);
      expect(USERS.find((u) => u.email === pat.user)?.pat?.name).toBe(name);
    }
    expect([...policies.pats.values()].filter((p) => p.team === undefined).map((p) => p.name)).toEqual(["victor-sandbox"]);
    expect(policies.pats.has(UNLISTED_PAT)).toBe(false);
  });

  it("has the guardrails the sample's metadata breaks", () => {
    const byName = new Map(policies.guardrails.map((g) => [g.name, g]));
    const enforce = byName.get("require-cost-center")!;
    expect(enforce.enforce).toBe(true);
    expect(enforce.subjectsIn).toEqual(new Set(["team:payments", "virtualaccount:checkout-service"]));
    expect(enforce.keys.get("cost_center")?.required).toBe(true);
    expect([...enforce.keys.get("environment")!.allowed!]).toEqual(["production", "staging", "dev"]);
    const support = byName.get("support-customer-id")!;
    expect(support.enforce).toBe(false);
    expect(support.keys.get("customer_id")?.regex?.test("cus_3rlzlfY3OpfzLX")).toBe(true);
    for (const bad of ["12345", "cus_", "cus-7f3a9", '=HYPERLINK("http://evil.example","click")'])
      expect(support.keys.get("customer_id")?.regex?.test(bad), bad).toBe(false);
    const batch = byName.get("nightly-batch-known-keys")!;
    expect([batch.enforce, batch.allowUnknownKeys]).toEqual([false, false]);
    expect(batch.subjectsIn).toEqual(new Set([`virtualaccount:${VIRTUAL_ACCOUNTS.batch.name}`]));
  });
});

describe("the sample's models match pricing/accounts/", async () => {
  const declared = new Set<string>();
  const dir = path.join(ROOT, "pricing/accounts");
  for (const name of (await readdir(dir)).sort()) {
    const account = (await readYaml(path.join(dir, name))).data as { name: string; models: Array<{ name: string }> };
    for (const model of account.models) declared.add(`${account.name}/${model.name}`);
  }

  it("calls declared models only, except the two that are unpriced on purpose", () => {
    const used = new Set(
      [...generateSample({ rows: 4000, start: "2026-06-16", days: 30, traces: "builtin" })].map((r) => r.model as string),
    );
    expect([...used].filter((m) => !declared.has(m)).sort()).toEqual(["mystery/model-x", "openai-main/gpt-5-preview"]);
    // And every declared model shows up.
    expect([...declared].filter((m) => !used.has(m))).toEqual([]);
  });
});
