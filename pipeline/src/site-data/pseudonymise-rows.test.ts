import { describe, expect, it } from "vitest";
import { appendColumns, emptyDataset, DATASET_COLUMNS } from "../dataset/read-partitions.ts";
import { pseudonymiseRows } from "./pseudonymise-rows.ts";
import { pseudonymOf } from "./to-pseudonyms.ts";

const SALT = "a-salt-of-24-characters!";
const p = (name: string) => pseudonymOf(name, SALT);

/** Rows with the given users, metadata (JSON text) and violations; other columns filler. */
function rows(users: (string | null)[], metadata: (string | null)[], pats: (string | null)[], violations: string[][]) {
  const dataset = emptyDataset();
  const columns: Record<string, unknown[]> = Object.fromEntries(
    DATASET_COLUMNS.map((c) => [c, users.map(() => (c.endsWith("_usd") ? 1n : c.endsWith("_tokens") ? 1 : "x"))]),
  );
  columns.user = users;
  columns.metadata = metadata;
  appendColumns(dataset, columns);
  const extra = {
    user: [...users],
    pat_name: pats,
    policy_violations: violations.map((v) => JSON.stringify(v)),
    request_id: users.map((_, i) => `r${i}`),
  };
  return { dataset, extra };
}

describe("pseudonymiseRows", () => {
  it("replaces each user name, in the rows and the extra columns, and keeps calls without a user", () => {
    const { dataset, extra } = rows(
      ["alice@example.com", null, "bob@example.com", "alice@example.com"],
      [null, null, null, null],
      [null, null, null, null],
      [[], [], [], []],
    );
    const result = pseudonymiseRows(dataset, extra, SALT);
    expect(result.dataset.user).toEqual([p("alice@example.com"), null, p("bob@example.com"), p("alice@example.com")]);
    expect(result.extra.user).toEqual(result.dataset.user);
    expect(result.extra.request_id).toEqual(["r0", "r1", "r2", "r3"]);
    expect(result.users).toBe(2);
    expect(result.dataset.length).toBe(4);
    // The rows read are not changed.
    expect(dataset.user[0]).toBe("alice@example.com");
    expect(extra.user[0]).toBe("alice@example.com");
  });

  it("replaces metadata values equal to a user name, not values that contain one or differ in case", () => {
    const owner = JSON.stringify({ owner: "alice@example.com", job: "nightly", __proto__x: "bob@example.com" });
    const other = JSON.stringify({ note: "ask alice@example.com", who: "ALICE@example.com" });
    const proto = '{"__proto__":"bob@example.com","k":"v"}';
    const { dataset, extra } = rows(
      ["alice@example.com", "bob@example.com", null],
      [owner, other, proto],
      [null, null, null],
      [[], [], []],
    );
    const result = pseudonymiseRows(dataset, extra, SALT);
    expect(JSON.parse(result.dataset.metadata[0] as string)).toEqual({
      owner: p("alice@example.com"),
      job: "nightly",
      __proto__x: p("bob@example.com"),
    });
    expect(result.dataset.metadata[1]).toBe(other);
    // An own `__proto__` key stays a key (not the object's prototype), with its value replaced.
    expect(result.dataset.metadata[2]).toBe(`{"__proto__":"${p("bob@example.com")}","k":"v"}`);
  });

  it("gives a user a longer pseudonym when a metadata value already equals the short one", () => {
    const { dataset, extra } = rows(["alice@example.com"], [JSON.stringify({ ticket: p("alice@example.com") })], [null], [[]]);
    const result = pseudonymiseRows(dataset, extra, SALT);
    expect(result.dataset.user[0]).toBe(pseudonymOf("alice@example.com", SALT, "user-", 16));
    expect(JSON.parse(result.dataset.metadata[0] as string)).toEqual({ ticket: p("alice@example.com") });
  });

  it("replaces the token name in a require_pat_team violation, and no other violation", () => {
    const { dataset, extra } = rows(
      ["yara@example.com", "yara@example.com", "bob@example.com"],
      [null, null, null],
      ["yara-laptop", "yara-laptop", "bob-ci"],
      [["require_pat_team:yara-laptop:no_team", "rule:yara-laptop:missing"], [], ["rule:env:missing"]],
    );
    const result = pseudonymiseRows(dataset, extra, SALT);
    const pat = pseudonymOf("yara-laptop", SALT, "pat-");
    expect(result.extra.policy_violations!.map((v) => JSON.parse(v as string))).toEqual([
      [`require_pat_team:${pat}:no_team`, "rule:yara-laptop:missing"],
      [],
      ["rule:env:missing"],
    ]);
  });
});
