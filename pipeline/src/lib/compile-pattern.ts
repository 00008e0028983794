import { RE2JS } from "re2js";

/**
 * A guardrail `regex` compiled with RE2 (the pure-JS port `re2js`): matching takes time
 * linear in the value, whatever the pattern, so a client-sent value cannot stall a run
 * the way `^(a+)+$` stalls a backtracking engine such as V8's RegExp.
 */
export interface Pattern {
  /** Whether the pattern matches anywhere in `value` (unanchored, like RegExp.prototype.test). */
  test(value: string): boolean;
}

/** What to do about a pattern RE2 refuses (printed under the error). */
export const RE2_SYNTAX_HINT =
  "guardrail patterns use RE2 syntax, which always matches in linear time: no backreferences (\\1) or lookaround " +
  "((?=…), (?!…), (?<=…), (?<!…)); write \\x{263A} for \\u263A and repeat counts up to {1000} (see policies/README.md)";

/** Compiles `source` as RE2 syntax with no flags: the pattern, or why RE2 refuses it. */
export function compilePattern(source: string): { pattern: Pattern } | { error: string } {
  try {
    return { pattern: RE2JS.compile(source) };
  } catch (error) {
    return { error: String((error as Error)?.message ?? error).replace(/^error parsing regexp: /, "") };
  }
}
