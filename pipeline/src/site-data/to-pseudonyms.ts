/**
 * Salted pseudonyms for the names the report site would otherwise show (`costs site-data
 * --pseudonymise-users`): `user-` and the first 12 hex digits of HMAC-SHA256(salt, name).
 * The same name and salt always give the same pseudonym, so a person keeps theirs from
 * night to night; a new salt gives everyone a new one. Without the salt a pseudonym cannot
 * be reversed by hashing guessed emails, which a plain hash of an email can.
 *
 * Two names never get one pseudonym: names whose pseudonyms would be equal (or equal a
 * value in `taken`) get 4 more hex digits each, until they differ.
 */
import { createHmac } from "node:crypto";
import { PipelineError } from "../lib/errors.ts";

/** The shortest salt accepted: a short salt can be found by trying salts against a known email. */
export const MIN_SALT_LENGTH = 16;

const DIGITS = 12;
const MORE = 4;
const MAX_DIGITS = 64;

/** `prefix` + the first `digits` hex digits of HMAC-SHA256(salt, name). */
export function pseudonymOf(name: string, salt: string, prefix = "user-", digits = DIGITS): string {
  return prefix + createHmac("sha256", salt).update(name, "utf8").digest("hex").slice(0, digits);
}

export interface PseudonymOptions {
  /** Default `user-`. */
  prefix?: string;
  /** Hex digits to start from (default 12; tests use fewer to force collisions). */
  digits?: number;
  /** Values the pseudonyms must not equal (other values of the columns they go into). */
  taken?: ReadonlySet<string>;
}

/** One pseudonym per distinct name, none equal to another or to a value in `taken`. */
export function toPseudonyms(names: Iterable<string>, salt: string, options: PseudonymOptions = {}): Map<string, string> {
  const prefix = options.prefix ?? "user-";
  const taken = options.taken ?? new Set<string>();
  const hex = new Map<string, string>();
  for (const name of names) if (!hex.has(name)) hex.set(name, pseudonymOf(name, salt, "", MAX_DIGITS));
  const result = new Map<string, string>();
  const assign = (group: string[], digits: number) => {
    const byPseudonym = new Map<string, string[]>();
    for (const name of group) {
      const pseudonym = prefix + hex.get(name)!.slice(0, digits);
      const owners = byPseudonym.get(pseudonym);
      if (owners) owners.push(name);
      else byPseudonym.set(pseudonym, [name]);
    }
    for (const [pseudonym, owners] of byPseudonym) {
      if (owners.length === 1 && !taken.has(pseudonym)) result.set(owners[0]!, pseudonym);
      else if (digits < MAX_DIGITS) assign(owners, Math.min(digits + MORE, MAX_DIGITS));
      else {
        throw new PipelineError({
          message: `${owners.length > 1 ? `${owners.length} names have` : "a name has"} the pseudonym ${pseudonym}${owners.length > 1 ? "" : ", a value already in the data"}: HMAC-SHA256 gave the same 64 hex digits`,
          hint: "set another SITE_USER_SALT",
        });
      }
    }
  };
  assign([...hex.keys()], options.digits ?? DIGITS);
  return result;
}
