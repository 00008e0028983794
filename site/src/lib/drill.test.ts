import { describe, expect, it } from "vitest";
import { drillFor, drillHref, NULL_PARAM } from "./drill.ts";

describe("drillHref", () => {
  it("links a user, model or team row to the overview filtered by it", () => {
    expect(drillHref(drillFor("user", "/"), "maya.patel@example.com")).toBe("/?user=maya.patel%40example.com");
    expect(drillHref(drillFor("model", "/base/"), "openai/gpt-4o")).toBe("/base/?model=openai%2Fgpt-4o");
  });

  it("links a metadata value with the key's slug, and a null value with the filters' null marker", () => {
    expect(drillHref(drillFor("metadata.a:b", "/"), "x&y=z")).toBe("/?mk=_a_3ab&mv=x%26y%3Dz");
    expect(new URLSearchParams(drillHref(drillFor("team", "/"), null).split("?")[1]).get("team")).toBe(NULL_PARAM);
  });

  it("keeps the filters already applied, the row's own value winning; a metadata drill replaces the old value", () => {
    const href = drillHref(drillFor("user", "/"), "bob", "?team=payments&from=2026-07-01&user=alice&page=3");
    expect(href).toBe("/?from=2026-07-01&team=payments&user=bob");
    expect(drillHref(drillFor("metadata.feature", "/"), "chat", "?mk=customer_id&mv=c-1")).toBe("/?mk=feature&mv=chat");
  });

  it("encodes hostile values: the link stays on the site's path", () => {
    for (const v of ["javascript:alert(1)", "<img src=x onerror=alert(1)>", "//evil.example/", "a\"b'c", "#frag?x=1"]) {
      const href = drillHref(drillFor("user", "/"), v);
      expect(href.startsWith("/?user=")).toBe(true);
      expect(new URL(href, "https://site.example").searchParams.get("user")).toBe(v);
      expect(new URL(href, "https://site.example").origin).toBe("https://site.example");
    }
  });
});
