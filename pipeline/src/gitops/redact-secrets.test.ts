import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { tokenEchoes } from "../../test/fake-github.ts";
import { MAX_MESSAGE_CHARS, redactSecrets, shortMessage } from "./redact-secrets.ts";

const TOKEN = "ghs_16C7e42F292c6912E7710c838347Ae178B4a";

describe("redactSecrets", () => {
  it("redacts every occurrence, as written and in any case; empty secrets are ignored", () => {
    expect(redactSecrets(`a ${TOKEN} b ${TOKEN.toUpperCase()} c ${TOKEN.toLowerCase()}`, [TOKEN, ""])).toBe("a *** b *** c ***");
    expect(redactSecrets("nothing to hide", [""])).toBe("nothing to hide");
  });

  it("redacts each echoed form whole, and nothing around it", () => {
    for (const [form, echoed] of Object.entries(tokenEchoes(TOKEN))) {
      const redacted = redactSecrets(`Bad credentials: ${echoed} (see https://docs.github.com/rest)`, [TOKEN]);
      // URL-encoded Basic credentials keep their harmless `x-access-token%3A` prefix.
      expect(redacted, form).toBe(
        `Bad credentials: ${form === "url-basic" ? "x-access-token%3A" : ""}*** (see https://docs.github.com/rest)`,
      );
    }
  });

  it("no form of a random token survives, wherever it sits in random text", () => {
    const chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+/=:.%~ ";
    const text = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...chars), minLength: min, maxLength: max });
    fc.assert(
      fc.property(text(8, 40), text(0, 20), text(0, 20), (token, before, after) => {
        fc.pre(token.trim().length >= 8);
        for (const echoed of Object.values(tokenEchoes(token))) {
          const redacted = redactSecrets(`${before}${echoed}${after}`, [token]).toLowerCase();
          for (const form of Object.values(tokenEchoes(token))) expect(redacted).not.toContain(form.toLowerCase());
        }
      }),
      { numRuns: 200 },
    );
  });

  it("leaves an ordinary GitHub message alone", () => {
    const message = "Resource not accessible by integration - https://docs.github.com/rest/issues/comments#create-an-issue-comment";
    expect(redactSecrets(message, [TOKEN])).toBe(message);
  });
});

describe("shortMessage", () => {
  it("keeps at most 200 characters, cut after redaction so no token is split", () => {
    const long = `${"x".repeat(190)} ${TOKEN} ${"y".repeat(5000)}`;
    const short = shortMessage(long, [TOKEN]);
    expect(short).toBe(`${"x".repeat(190)} *** ${"y".repeat(MAX_MESSAGE_CHARS - 195)}…`);
    expect(short).not.toContain(TOKEN.slice(0, 8));
  });

  it("removes credentials from URLs and turns control characters and line breaks into spaces", () => {
    expect(shortMessage("fatal: 'https://x-access-token:abc@github.com/acme/costs.git'\n\u001b[2Jerror: fake line\n", [])).toBe(
      "fatal: 'https://***@github.com/acme/costs.git' [2Jerror: fake line",
    );
  });
});
