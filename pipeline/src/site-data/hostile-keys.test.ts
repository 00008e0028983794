/**
 * Metadata keys come from clients. With `site.metadata_keys` unset the most used keys get a
 * breakdown file and a page, so a client picks file names: `costs site-data` must write
 * nothing outside `--out` and `--public-dir/data`, and every key must get its own file.
 * Each case is a copy of the project layout in a temp folder (package.json, pricing/,
 * policies/, site/), priced by `costs run`, then `costs site-data` with its defaults.
 */
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PRICING_FIXTURE } from "../../test/pricing-fixture.ts";
import { runCli } from "../../test/run-cli.ts";
import { writeTempTree } from "../../test/temp-dir.ts";
import { BreakdownSchema, SiteSummarySchema } from "../schemas/site-data.schema.ts";
import { breakdownFile } from "./breakdown-file.ts";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const XSS = "<img src=x onerror=alert(1)>";

/** At most 8 keys a case: all of them get a page (the default is the 8 most used). */
const CASES: Record<string, string[]> = {
  "paths, prototype names, collisions of the old slugs and of case": [
    "/../../../package",
    "..",
    "k-2e2e",
    ".",
    "a:b",
    "__proto__",
    "Customer",
    "customer",
  ],
  "long, reserved, unicode and markup keys": [
    "x".repeat(300),
    `${"x".repeat(299)}y`,
    "CON",
    "con",
    "caf\u00e9",
    "cafe\u0301",
    XSS,
    "..\\..\\package",
  ],
};

/** Every folder and file under `dir` (relative, `/`-separated) → "dir" or the file's sha256. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const tree = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const full = path.join(entry.parentPath, entry.name);
    const name = path.relative(dir, full).split(path.sep).join("/");
    tree.set(
      name,
      entry.isDirectory()
        ? "dir"
        : createHash("sha256")
            .update(await readFile(full))
            .digest("hex"),
    );
  }
  return tree;
}

/** Paths added, removed or changed between two snapshots. */
function changes(before: Map<string, string>, after: Map<string, string>): string[] {
  const names = new Set([...before.keys(), ...after.keys()]);
  return [...names].filter((n) => before.get(n) !== after.get(n)).sort();
}

describe("costs site-data with hostile metadata keys", () => {
  it.each(Object.entries(CASES))("%s: writes only inside its output folders, one breakdown file per key", async (_, keys) => {
    // Key i is sent with value v<i> on 10 − i calls: the keys rank in this order, each with its own figures.
    const lines: string[] = [];
    keys.forEach((key, i) => {
      for (let n = 0; n < 10 - i; n++) {
        const metadata = Object.defineProperty({}, key, { value: `v${i}`, enumerable: true });
        lines.push(
          JSON.stringify({
            request_id: `r${i}-${n}`,
            timestamp: `2026-03-0${1 + (n % 2)}T10:00:00Z`,
            model: "acme-main/flat",
            input_tokens: 1000 * (i + 1),
            output_tokens: 10,
            metadata,
          }),
        );
      }
    });
    const dir = await writeTempTree({
      ...Object.fromEntries(Object.entries(PRICING_FIXTURE).map(([k, v]) => [`pricing/${k}`, v])),
      "package.json": await readFile(path.join(ROOT, "package.json"), "utf8"),
      // No `site:` block: the most used keys get pages.
      "policies/extracts.yaml": "extracts:\n  - name: cost-by-team\n    group_by: [month, team]\n",
      "site/public/robots.txt": "User-agent: *\n",
      "site/src/pages/index.astro": "---\n---\n",
      "logs/hostile.jsonl": `${lines.join("\n")}\n`,
    });
    const costs = (...argv: string[]) => runCli(dir, ...argv);

    const run = await costs("run", "--logs", "logs", "--out", "data", "--no-progress");
    expect(run.err).toBe("");
    expect(run.code).toBe(0);
    const before = await snapshot(dir);
    const result = await costs("site-data");
    const after = await snapshot(dir);

    // Nothing appeared, changed or went away outside the two output folders (checked first: also when the command failed).
    const changed = changes(before, after);
    expect(changed.filter((n) => !/^site\/(\.data|public\/data)(\/|$)/.test(n))).toEqual([]);
    expect(after.get("package.json")).toBe(before.get("package.json"));
    expect(result.err).toBe("");
    expect(result.code).toBe(0);

    // Every key has a page and its own breakdown file holding its own figures.
    const summary = SiteSummarySchema.parse(JSON.parse(await readFile(path.join(dir, "site/.data/summary.json"), "utf8")));
    expect(summary.metadata_keys).toEqual(keys);
    const files = keys.map((key) => breakdownFile(`metadata.${key}`));
    expect(new Set(files.map((f) => f.toLowerCase())).size).toBe(keys.length);
    const written = (await readdir(path.join(dir, "site/.data"))).filter((f) => f.startsWith("breakdown-metadata."));
    expect(written.sort()).toEqual([...files].sort());
    for (const [i, key] of keys.entries()) {
      const breakdown = BreakdownSchema.parse(JSON.parse(await readFile(path.join(dir, "site/.data", files[i]!), "utf8")));
      expect(breakdown.dimension, files[i]).toBe(`metadata.${key}`);
      expect(
        breakdown.rows.filter((r) => r.key !== null).map((r) => [r.key, r.requests]),
        files[i],
      ).toEqual([[`v${i}`, 10 - i]]);
    }
    expect(changed).toContain(`site/.data/${files[0]}`);
  });
});
