/**
 * The one way a name that came from the logs (a metadata key, sent by clients) becomes a
 * file name or a URL segment. `costs site-data` names `breakdown-metadata.<slug>.json`
 * with it and the site names the page `metadata/<slug>/` and finds that file with it. No
 * `node:` import: the site imports it.
 *
 * - **plain**: a key of lowercase letters, digits, `_` and `-` that starts with a letter or
 *   digit, is at most 64 characters and is not a Windows device name (con, nul, com1, …)
 *   is its own slug: `customer_id` → `customer_id`.
 * - **escaped**: any other key is `_` and then its characters, a–z and 0–9 as they are and
 *   every other character as `_` plus two hex digits per UTF-8 byte:
 *   `..` → `__2e_2e`, `Customer` → `__43ustomer`, `a:b` → `_a_3ab`, `` (empty) → `_`.
 * - **hashed**: when the escaped form is longer than 64 characters, its first characters
 *   (at most 29, whole characters), `-`, and 32 hex digits of the SHA-256 of the key.
 *
 * So a slug only holds `a-z 0-9 _ -` (no `/`, `\`, `.`, NUL, upper case: safe in a URL and on
 * any file system, case-insensitive ones included) and is at most 64 characters. Two keys
 * never share a slug: plain slugs start with a letter or digit, the others with `_`; an
 * escaped slug has no `-` and a hashed one always has; escaped text decodes back to one key
 * (UTF-8 is prefix-free); hashed slugs differ when the keys' SHA-256 do (128 bits kept).
 */
import { sha256Hex } from "./sha256-hex.ts";

export const SLUG_MAX_LENGTH = 64;

/** Every slug matches this (and is at most SLUG_MAX_LENGTH characters). */
export const SLUG_PATTERN = /^(?:[a-z0-9][a-z0-9_-]*|_[a-z0-9_]*|_[a-z0-9_]*-[0-9a-f]{32})$/;

const PLAIN = /^[a-z0-9][a-z0-9_-]*$/;
/** Names Windows reserves for devices, whatever the extension: not usable as a folder name. */
const DEVICE = /^(?:con|prn|aux|nul|com\d|lpt\d)$/;
const HASHED_PREFIX = 29;
const HASH_HEX = 32;

export function toSlug(key: string): string {
  if (key.length <= SLUG_MAX_LENGTH && PLAIN.test(key) && !DEVICE.test(key)) return key;
  const parts = ["_"];
  let length = 1;
  for (const char of key) {
    const part = /^[a-z0-9]$/.test(char) ? char : Array.from(wtf8(char), (b) => `_${b.toString(16).padStart(2, "0")}`).join("");
    parts.push(part);
    length += part.length;
  }
  if (length <= SLUG_MAX_LENGTH) return parts.join("");
  let prefix = "";
  for (const part of parts) {
    if (prefix.length + part.length > HASHED_PREFIX) break;
    prefix += part;
  }
  return `${prefix}-${sha256Hex(wtf8(key)).slice(0, HASH_HEX)}`;
}

/**
 * UTF-8 bytes of the string's code points, a lone surrogate (JSON allows `"\ud800"`)
 * encoded like any other code point (WTF-8) rather than replaced: different strings,
 * different bytes.
 */
function wtf8(text: string): Uint8Array {
  const bytes: number[] = [];
  for (const char of text) {
    const c = char.codePointAt(0)!;
    if (c < 0x80) bytes.push(c);
    else if (c < 0x800) bytes.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else if (c < 0x10000) bytes.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    else bytes.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return Uint8Array.from(bytes);
}
