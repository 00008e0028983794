import { parseTimestamp } from "../../lib/parse-timestamp.ts";

const SHORT_OFFSET = /[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?[+-]\d{2}$/;
const DAY_CACHE_LIMIT = 4096;
const dayStart = new Map<string, number | undefined>();

/**
 * Epoch milliseconds of a timestamp text from a log, with the meaning of `parseTimestamp`
 * (ISO 8601, UTC when there is no offset), plus two spellings exports use: an offset of
 * hours only (`+00`, as PostgreSQL and ClickHouse print it) and a ` UTC` suffix.
 * Undefined when it is no timestamp.
 *
 * The common layouts `YYYY-MM-DD[T ]hh:mm:ss[.fff…][Z]` take a fast path that reads the
 * digits in place and parses each calendar day once (parseTimestamp's regex costs more
 * than the rest of a row's checks); a property test holds it equal to parseTimestamp.
 */
export function readTimestamp(text: string): number | undefined {
  const fast = fastTimestamp(text);
  if (fast !== undefined) return fast;
  const ms = parseTimestamp(text);
  if (ms !== undefined) return ms;
  if (SHORT_OFFSET.test(text)) return parseTimestamp(`${text}:00`);
  if (text.endsWith(" UTC")) return parseTimestamp(text.slice(0, -4));
  return undefined;
}

/** The fast path: undefined whenever the text is not exactly such a layout (the slow path decides). */
export function fastTimestamp(text: string): number | undefined {
  const length = text.length;
  if (length < 19 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58)
    return undefined;
  const t = text.charCodeAt(10);
  if (t !== 84 && t !== 32) return undefined; // 'T' or ' '
  const hours = twoDigits(text, 11);
  const minutes = twoDigits(text, 14);
  const seconds = twoDigits(text, 17);
  if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59 || seconds < 0 || seconds > 59) return undefined;
  let ms = 0;
  let end = length;
  const last = text.charCodeAt(length - 1);
  if (last === 90 || last === 122) end--; // 'Z' or 'z'
  if (end > 19) {
    if (text.charCodeAt(19) !== 46 || end === 20) return undefined; // '.' and at least one digit
    for (let i = 20; i < end; i++) {
      const digit = text.charCodeAt(i) - 48;
      if (digit < 0 || digit > 9) return undefined;
      if (i < 23) ms += digit * (i === 20 ? 100 : i === 21 ? 10 : 1);
    }
  }
  const day = text.slice(0, 10);
  let start = dayStart.get(day);
  if (start === undefined) {
    if (dayStart.has(day)) return undefined;
    if (dayStart.size >= DAY_CACHE_LIMIT) dayStart.clear();
    start = parseTimestamp(day);
    dayStart.set(day, start);
    if (start === undefined) return undefined;
  }
  return start + hours * 3_600_000 + minutes * 60_000 + seconds * 1000 + ms;
}

/** The number written by the two digits at `at`, or -1. */
function twoDigits(text: string, at: number): number {
  const a = text.charCodeAt(at) - 48;
  const b = text.charCodeAt(at + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}
