import { describe, expect, it } from "vitest";
import { toCanonicalJson } from "./to-canonical-json.ts";

describe("toCanonicalJson", () => {
  it("sorts keys at every depth, keeps array order, indents by 2 and ends with a newline", () => {
    expect(toCanonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: "x" } })).toBe(
      '{\n  "a": {\n    "c": "x",\n    "d": [\n      3,\n      {\n        "y": 2,\n        "z": 1\n      }\n    ]\n  },\n  "b": 1\n}\n',
    );
  });

  it("gives the same text whatever order the keys were set in, and leaves out undefined fields", () => {
    expect(toCanonicalJson({ rows: 2, date: "2026-06-01", dropped_at: undefined })).toBe(toCanonicalJson({ date: "2026-06-01", rows: 2 }));
    expect(toCanonicalJson({ date: "2026-06-01", rows: 2 })).toBe('{\n  "date": "2026-06-01",\n  "rows": 2\n}\n');
  });
});
