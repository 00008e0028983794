/**
 * The shape of the code, as a test: the folders of pipeline/src (each `stages/<stage>` on
 * its own) and the site import each other without a cycle; the site imports from the
 * pipeline, never the reverse; `schemas/` and `lib/` depend on no other folder, and
 * nothing the site can load (`schemas/`, and what the site imports) uses `node:` modules.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SRC = path.join(ROOT, "pipeline/src");
const IMPORT = /(?:^|\n)\s*(?:import|export)\s(type\s)?[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

/** Every source file (tests excluded) under `dir`, with its relative imports resolved to files (`runtime`: not type-only). */
function sources(dir: string): Array<{ file: string; imports: string[]; runtime: string[]; node: boolean }> {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|astro|mjs|js)$/.test(e.name) && !/\.test\.ts$/.test(e.name))
    .map((e) => {
      const file = path.join(e.parentPath, e.name);
      const text = readFileSync(file, "utf8");
      const imports: string[] = [];
      const runtime: string[] = [];
      let node = false;
      for (const m of text.matchAll(IMPORT)) {
        const spec = m[2] ?? m[3]!;
        const typeOnly = m[1] !== undefined;
        if (spec.startsWith("node:")) node ||= !typeOnly;
        else if (spec.startsWith(".")) {
          imports.push(path.resolve(path.dirname(file), spec));
          if (!typeOnly) runtime.push(path.resolve(path.dirname(file), spec));
        }
      }
      return { file, imports, runtime, node };
    });
}

/** The unit a file belongs to: `site`, `stages/<stage>`, a top-level folder of pipeline/src, or a file at its top (`cli.ts`, `run.ts`). */
function unitOf(file: string): string {
  if (file.startsWith(path.join(ROOT, "site") + path.sep)) return "site";
  const parts = path.relative(SRC, file).split(path.sep);
  if (parts[0] === "..") return "(outside)";
  if (parts.length === 1) return parts[0]!;
  return parts[0] === "stages" ? `stages/${parts[1]}` : parts[0]!;
}

const files = [...sources(SRC), ...sources(path.join(ROOT, "site/src"))];
const graph = new Map<string, Set<string>>();
for (const { file, imports } of files) {
  const from = unitOf(file);
  for (const target of imports) {
    const to = unitOf(target);
    if (to !== from) (graph.get(from) ?? graph.set(from, new Set()).get(from)!).add(to);
  }
}

/** Strongly connected components with more than one unit (Tarjan): each is a cycle. */
function cycles(edges: Map<string, Set<string>>): string[][] {
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    indexOf.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!indexOf.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indexOf.get(w)!));
    }
    if (low.get(v) === indexOf.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of edges.keys()) if (!indexOf.has(v)) visit(v);
  return found;
}

describe("the import graph", () => {
  it("has no cycle between folders", () => {
    expect(cycles(graph)).toEqual([]);
  });

  it("finds a cycle when there is one (so the test above can fail)", () => {
    expect(
      cycles(
        new Map([
          ["a", new Set(["b"])],
          ["b", new Set(["c"])],
          ["c", new Set(["a"])],
          ["d", new Set(["a"])],
        ]),
      ),
    ).toEqual([["a", "b", "c"]]);
  });

  it("the pipeline never imports the site; schemas/ and lib/ import no other folder", () => {
    for (const [from, targets] of graph) {
      if (from !== "site") expect([...targets], from).not.toContain("site");
    }
    expect([...(graph.get("schemas") ?? [])].filter((t) => t !== "lib")).toEqual([]);
    expect([...(graph.get("lib") ?? [])]).toEqual([]);
  });

  it("nothing the site's browser code loads imports a node: module, nor does any schema", () => {
    const loaded = new Set<string>();
    const byFile = new Map(files.map((f) => [f.file, f]));
    const queue = files.filter((f) => f.file.startsWith(path.join(ROOT, "site/src/client") + path.sep)).map((f) => f.file);
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (loaded.has(file)) continue;
      loaded.add(file);
      for (const target of byFile.get(file)?.runtime ?? []) if (byFile.has(target)) queue.push(target);
    }
    expect([...loaded].filter((f) => byFile.get(f)!.node).map((f) => path.relative(ROOT, f))).toEqual([]);
    expect(files.filter((f) => unitOf(f.file) === "schemas" && f.node).map((f) => path.relative(ROOT, f.file))).toEqual([]);
  });
});
