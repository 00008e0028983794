import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { PipelineError } from "../lib/errors.ts";
import { pseudonymOf, toPseudonyms } from "./to-pseudonyms.ts";

const SALT = "a-salt-of-24-characters!";

describe("pseudonymOf", () => {
  it("is user- and the first 12 hex digits of HMAC-SHA256(salt, name)", () => {
    const hmac = createHmac("sha256", SALT).update("maya.patel@example.com").digest("hex");
    expect(pseudonymOf("maya.patel@example.com", SALT)).toBe(`user-${hmac.slice(0, 12)}`);
    expect(pseudonymOf("maya.patel@example.com", SALT)).toMatch(/^user-[0-9a-f]{12}$/);
    // As `printf %s maya.patel@example.com | openssl dgst -sha256 -hmac 0123456789abcdef` gives: finance can recompute one.
    expect(pseudonymOf("maya.patel@example.com", "0123456789abcdef")).toBe("user-cf6fd0db2577");
  });

  it("is stable for a name and salt, and differs with another salt", () => {
    expect(pseudonymOf("alice", SALT)).toBe(pseudonymOf("alice", SALT));
    expect(pseudonymOf("alice", SALT)).not.toBe(pseudonymOf("alice", `${SALT}x`));
    expect(pseudonymOf("alice", SALT)).not.toBe(pseudonymOf("Alice", SALT));
  });
});

describe("toPseudonyms", () => {
  it("gives 10,000 users 10,000 distinct pseudonyms of the 12-digit form, the same whatever the order", () => {
    const users = Array.from({ length: 10_000 }, (_, i) => `person${i}@example.com`);
    const map = toPseudonyms(users, SALT);
    expect(map.size).toBe(10_000);
    expect(new Set(map.values()).size).toBe(10_000);
    for (const [user, pseudonym] of map) {
      expect(pseudonym).toMatch(/^user-[0-9a-f]{12}$/);
      expect(pseudonym).toBe(pseudonymOf(user, SALT));
    }
    expect(toPseudonyms([...users].reverse(), SALT)).toEqual(map);
  });

  it("lengthens pseudonyms that would collide, by 4 digits at a time, so that two names never share one", () => {
    // With 1 hex digit to start from, 40 names must collide (16 possible values).
    const users = Array.from({ length: 40 }, (_, i) => `u${i}`);
    const map = toPseudonyms(users, SALT, { digits: 1 });
    expect(new Set(map.values()).size).toBe(40);
    const lengths = [...map.values()].map((p) => p.length - "user-".length);
    expect(lengths).toContain(1);
    expect(lengths).toContain(5);
    for (const [user, pseudonym] of map) expect(pseudonymOf(user, SALT, "user-", 64).startsWith(pseudonym)).toBe(true);
    // A name whose short pseudonym nobody else has keeps it.
    const alone = [...map].filter(([, p]) => p.length === "user-".length + 1);
    for (const [user, pseudonym] of alone) expect(pseudonymOf(user, SALT, "user-", 1)).toBe(pseudonym);
  });

  it("lengthens a pseudonym equal to a value already taken in its column", () => {
    const taken = new Set([pseudonymOf("bob", SALT)]);
    const map = toPseudonyms(["bob", "carol"], SALT, { taken });
    expect(map.get("bob")).toBe(pseudonymOf("bob", SALT, "user-", 16));
    expect(map.get("carol")).toBe(pseudonymOf("carol", SALT));
  });

  it("takes a prefix", () => {
    expect(toPseudonyms(["alice-ci"], SALT, { prefix: "pat-" }).get("alice-ci")).toMatch(/^pat-[0-9a-f]{12}$/);
  });

  it("fails, rather than merge two names, when all 64 digits are equal", () => {
    const taken = new Set([pseudonymOf("bob", SALT, "user-", 60), pseudonymOf("bob", SALT, "user-", 64)]);
    expect(() => toPseudonyms(["bob"], SALT, { digits: 60, taken })).toThrow(PipelineError);
    expect(() => toPseudonyms(["bob"], SALT, { digits: 60, taken })).toThrow(/set another SITE_USER_SALT/);
  });
});
