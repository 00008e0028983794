import { readFile, stat } from "node:fs/promises";
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Alias, type Node } from "yaml";
import { formatField, PipelineError, type Problem } from "./errors.ts";

/**
 * The largest YAML file read: 1 MiB. The largest of the 1,248 files of the real upstream
 * catalog is 2.4 KB, and 1 MiB of policies holds some 20,000 teams. A larger file is
 * refused before it is read: parsing takes about 40 times a file's size in memory
 * (a 50 MB catalog file took 2.1 GB).
 */
export const MAX_YAML_FILE_BYTES = 1024 * 1024;

/**
 * The most values aliases may copy into one file's data, aliases inside aliases included:
 * about what a file of MAX_YAML_FILE_BYTES holds written out. A "billion laughs" file
 * (aliases of aliases, each level ten times the last) stops here in milliseconds.
 */
export const MAX_YAML_ALIAS_VALUES = 100_000;

/** The deepest nesting of maps and lists, aliases expanded (pricing and policy files nest a few levels). */
export const MAX_YAML_DEPTH = 64;

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

/** Reads and parses `file`; a missing, oversized or non-regular file is a PipelineError, like a YAML error. */
export async function readYaml(file: string): Promise<YamlFile> {
  let text: string;
  try {
    // stat first: a FIFO or a device (a link to /dev/zero) is refused without being opened.
    const stats = await stat(file);
    if (!stats.isFile())
      throw new PipelineError({ file, message: "is not a regular file", hint: "pricing and policy files must be plain YAML files" });
    if (stats.size > MAX_YAML_FILE_BYTES) {
      throw new PipelineError({
        file,
        message: `is ${stats.size.toLocaleString("en")} bytes, over the limit of ${MAX_YAML_FILE_BYTES.toLocaleString("en")} bytes (1 MiB) for a YAML file`,
        hint: "pricing and policy files are small (the largest upstream catalog file is 2.4 KB): split it, or check that this is the file you meant",
      });
    }
    text = await readFile(file, "utf8");
  } catch (error) {
    if (error instanceof PipelineError) throw error;
    throw new PipelineError({ file, message: `cannot read file: ${(error as Error).message}` });
  }
  return parseYaml(text, file);
}

/**
 * Parses YAML text into plain data. Aliases are expanded here (not by the `yaml` library),
 * within limits: MAX_YAML_ALIAS_VALUES values copied, MAX_YAML_DEPTH levels, no alias
 * that contains itself or names no anchor; a limit reached stops at once, naming the
 * alias's line. A `__proto__` key is an error (as a plain object key it would silently
 * replace the object's prototype instead of becoming a field).
 */
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

  // Each alias's node, found once: an alias names the last anchor of that name before it.
  // (Alias.resolve walks the whole document on every call.)
  const targets = new Map<Alias, Node | undefined>();
  const anchors = new Map<string, Node>();
  visit(doc, {
    Node(_, node) {
      if (isAlias(node)) targets.set(node, anchors.get(node.source));
      else if (node.anchor) anchors.set(node.anchor, node);
    },
  });

  const problems: Problem[] = [];
  const reportedKeys = new Set<unknown>();
  /** The aliases being expanded, outermost first, and the nodes they point at. */
  const expanding: Alias[] = [];
  const expandingTargets = new Set<Node>();
  let aliasValues = 0;

  const stop = (node: Node | null | undefined, message: string, hint: string): never => {
    // Inside an alias the line that matters is the outermost alias's: the value the file's author wrote.
    const at = expanding[0] ?? node;
    throw new PipelineError({ file, line: lineAt(at?.range?.[0]) ?? 1, message, hint });
  };
  const aliasHint = "write the values out, or use fewer aliases of aliases";
  const noAnchor = (alias: Alias) =>
    stop(alias, `alias \`*${alias.source}\` names no anchor \`&${alias.source}\` before it`, "define the anchor before the alias");
  const tooDeep = (node: Node) =>
    expanding.length > 0
      ? stop(node, `alias \`*${expanding[0]!.source}\` expands to values nested more than ${MAX_YAML_DEPTH} levels deep`, aliasHint)
      : stop(node, `nested more than ${MAX_YAML_DEPTH} levels deep`, "pricing and policy files nest a few levels: flatten it");

  const toData = (node: unknown, path: (string | number)[], key: string): unknown => {
    if (isAlias(node)) {
      const target = targets.get(node);
      if (!target) return noAnchor(node);
      if (expandingTargets.has(target))
        return stop(node, `alias \`*${node.source}\` refers to a value that contains it`, "an alias cannot repeat the value it is part of");
      expanding.push(node);
      expandingTargets.add(target);
      const data = toData(target, path, key);
      expanding.pop();
      expandingTargets.delete(target);
      return data;
    }
    if (expanding.length > 0 && ++aliasValues > MAX_YAML_ALIAS_VALUES) {
      stop(
        node as Node,
        `aliases expand to more than ${MAX_YAML_ALIAS_VALUES.toLocaleString("en")} values: \`*${expanding[0]!.source}\` on this line goes over the limit (aliases inside aliases count too)`,
        `${aliasHint}: the limit stops a file whose aliases multiply (a “billion laughs”)`,
      );
    }
    if (isMap(node)) {
      if (path.length >= MAX_YAML_DEPTH) tooDeep(node);
      const out: Record<string, unknown> = {};
      for (const pair of node.items) {
        const keyNode = isAlias(pair.key) ? (targets.get(pair.key) ?? noAnchor(pair.key)) : pair.key; // `*k : v` uses the anchored key
        const name = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
        const childPath = [...path, name];
        const childKey = `${key}/${name}`;
        const keyLine = lineAt((pair.key as Node | null)?.range?.[0]);
        if (keyLine !== undefined) lines.set(childKey, keyLine);
        if (name === "__proto__") {
          if (!reportedKeys.has(pair.key)) {
            reportedKeys.add(pair.key);
            problems.push({
              file,
              line: keyLine ?? 1,
              field: formatField(childPath),
              message: "`__proto__` cannot be a key",
              hint: "rename it: in JavaScript this key would replace the object's prototype instead of becoming a field",
            });
          }
          continue;
        }
        out[name] = toData(pair.value, childPath, childKey);
      }
      return out;
    }
    if (isSeq(node)) {
      if (path.length >= MAX_YAML_DEPTH) tooDeep(node);
      return node.items.map((item, index) => {
        const childKey = `${key}/${index}`;
        const itemLine = lineAt((item as Node | null)?.range?.[0]);
        if (itemLine !== undefined) lines.set(childKey, itemLine);
        return toData(item, [...path, index], childKey);
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

  const data = toData(doc.contents, [], "");
  if (problems.length > 0) throw new PipelineError(problems);
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
