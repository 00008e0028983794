import { describe, it } from "vitest";
import { chromiumMissing } from "./launch-chromium.ts";

/**
 * `describe` for suites that drive Chromium. Without the browser the suite is skipped with
 * a printed reason, except with CI=true, where it is one failing test: CI always runs it.
 */
export function describeInChromium(name: string, options: { timeout: number }, body: () => void): void {
  const missing = chromiumMissing();
  if (!missing) {
    describe(name, options, body);
  } else if (process.env.CI === "true") {
    it(`${name}: finds Chromium (with CI=true a missing browser is a failure)`, () => {
      throw new Error(`CI=true but ${missing}: the browser suite must run in CI`);
    });
  } else {
    console.log(`skipping "${name}": ${missing}`);
    it.skip(`${name}: ${missing}`, () => undefined);
  }
}
