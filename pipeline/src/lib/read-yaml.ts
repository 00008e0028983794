import { readFile } from "node:fs/promises";
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from "yaml";
import { PipelineError } from "./errors.ts";

/**
 * A YAML file read for pricing: plain data whose numbers are kept as the exact text
 * written in the file (`6.e-8` stays "6.e-8"), plus the line of every field so that
 * schema errors can say `file:line field: ...`.
 */
export interface YamlFile {
  file: string;
  data: unknown;
  /** 1-based line of the field at `path`, or of its closest ancestor that exists. */
  lineOf(path: ReadonlyArray<PropertyKey>): number | undefined;
}

export async function readYaml(file: string): Promise<YamlFile> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new PipelineError({ file, message: `cannot read file: ${(error as Error).message}` });
  }
  return parseYaml(text, file);
}

export function parseYaml(text: string, file: string): YamlFile {
  const lineCounter = new LineCounter();
  // YAML 1.2 core schema: dates stay strings, `6.e-8` is a number (kept as text below).
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new PipelineError(
      doc.errors.map((e) => ({
        file,
        line: lineCounter.linePos(e.pos[0]).line,
        message: `invalid YAML: ${e.message.split("\n")[0]}`,
        hint: "check indentation and quoting near this line",
      })),
    );
  }
  const lines = new Map<string, number>();
  const lineAt = (offset: number | undefined) => (offset === undefined ? undefined : lineCounter.linePos(offset).line);

  const toData = (node: unknown, path: string): unknown => {
    if (isAlias(node)) return toData(node.resolve(doc), path);
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const childPath = `${path}/${key}`;
        const keyLine = lineAt((pair.key as Node | null)?.range?.[0]);
        if (keyLine !== undefined) lines.set(childPath, keyLine);
        out[key] = toData(pair.value, childPath);
      }
      return out;
    }
    if (isSeq(node)) {
      return node.items.map((item, index) => {
        const childPath = `${path}/${index}`;
        const itemLine = lineAt((item as Node | null)?.range?.[0]);
        if (itemLine !== undefined) lines.set(childPath, itemLine);
        return toData(item, childPath);
      });
    }
    if (isScalar(node)) {
      if (typeof node.value === "number" || typeof node.value === "bigint") {
        // Keep the exact spelling; never round-trip a rate through a binary float.
        const [start, end] = node.range ?? [0, 0];
        return text.slice(start, end).trim();
      }
      return node.value;
    }
    return node ?? null;
  };

  const data = toData(doc.contents, "");
  return {
    file,
    data,
    lineOf(path) {
      const parts = path.map(String);
      for (let n = parts.length; n > 0; n--) {
        const line = lines.get(`/${parts.slice(0, n).join("/")}`);
        if (line !== undefined) return line;
      }
      return lines.size > 0 ? 1 : undefined;
    },
  };
}
