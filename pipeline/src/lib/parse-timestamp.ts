const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|z|[+-]\d{2}:?\d{2})?)?$/;

/** The widest UTC offset in use (Kiribati, +14:00; the lowest is −12:00): anything wider is no time zone. */
const MAX_OFFSET_MINUTES = 14 * 60;

/**
 * Parses an ISO 8601 date or timestamp into epoch milliseconds. No offset means UTC
 * (SPEC 3); a bare date means its midnight UTC. Returns undefined when the text is not
 * such a timestamp, names an impossible date (2026-02-30) or an offset beyond ±14:00.
 */
export function parseTimestamp(text: string): number | undefined {
  const m = TIMESTAMP.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = "00", mi = "00", s = "00", frac = "", zone = "Z"] = m;
  const ms = Number((frac + "000").slice(1, 4) || "0");
  const base = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  const check = new Date(base);
  if (
    check.getUTCFullYear() !== Number(y) ||
    check.getUTCMonth() !== Number(mo) - 1 ||
    check.getUTCDate() !== Number(d) ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(s) > 59
  ) {
    return undefined;
  }
  if (zone === "Z" || zone === "z") return base;
  const sign = zone.startsWith("-") ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  const minutes = Number(digits.slice(2, 4));
  const offsetMinutes = Number(digits.slice(0, 2)) * 60 + minutes;
  if (minutes > 59 || offsetMinutes > MAX_OFFSET_MINUTES) return undefined;
  return base - sign * offsetMinutes * 60_000;
}

/** Epoch ms → `2026-03-01T12:00:00.000Z`. */
export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}
