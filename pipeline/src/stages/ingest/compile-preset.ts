import { closest } from "../../lib/suggest.ts";
import { CANONICAL_FIELDS, type CanonicalField, type ColumnMapping, type PresetName } from "../../schemas/column-mapping.schema.ts";
import { ALL_PRICE_FIELDS, PRICE_FIELDS } from "../../schemas/price-fields.ts";
import type { Normaliser } from "./native/expanded.ts";
import { columnsOfSource, compileFieldSource, SourceProblem, type Getter } from "./compile-field-source.ts";
import { PRESETS, type PresetSpec } from "./presets.ts";

export type { Getter };

/**
 * A preset made ready for one file: a getter per canonical field, and the column check
 * that remembers, per column name, whether it is read, ignored or a likely misspelling.
 * Build one per file (it collects that file's ignored columns).
 */
export interface CompiledPreset {
  readonly name: PresetName | "mapping";
  readonly inputExcludesCache: boolean;
  /** A native format's normaliser (presets.ts `normalise`): each input record's calls, to pass to `read` one by one. */
  readonly expand: Normaliser | undefined;
  /**
   * A record's canonical field values (a fresh object of one shape, undefined when absent),
   * or the reject reason when it has a column that looks like a misspelled read column.
   */
  read(record: Record<string, unknown>): FieldValues | string;
  /** Columns seen so far that are not read (misspellings excluded, unless `unknown_columns: warn`), sorted. */
  ignoredColumns(): string[];
  /** With `unknown_columns: warn`: the ignored columns that look like misspellings of read columns, sorted. */
  suspectColumns(): string[];
  /** The price fields (schemas/price-fields.ts) some record read so far had a value for (not absent, null or ""), as a mask. */
  suppliedPriceFields(): number;
}

/** The input value of every canonical field, as the preset found it. */
export type FieldValues = Record<CanonicalField, unknown>;

export interface CompileOptions {
  /** Every record of the file has the same columns (CSV, Parquet): check the first one only. */
  fixedColumns?: boolean;
}

const READ = 0;
const IGNORED = 1;

/**
 * Compiles a built-in preset, or a custom mapping over its `base` (default canonical):
 * each mapped field is read from the given column only, `input_excludes_cache` defaults
 * to the base's. Columns the base read but the mapping moved away from are ignored.
 */
export function compilePreset(preset: PresetName | ColumnMapping, options: CompileOptions = {}): CompiledPreset {
  const mapping = typeof preset === "string" ? undefined : preset;
  const spec = mapping === undefined ? PRESETS[preset as PresetName] : specOfMapping(mapping);
  const read = new Set<string>();
  const sourcesOf = (field: CanonicalField): ReadonlyArray<string> => spec.columns[field] ?? [field];
  const get = {} as Record<CanonicalField, Getter>;
  for (const field of CANONICAL_FIELDS) {
    const sources = field === "request_id" && spec.requestIdJoin ? spec.requestIdJoin : sourcesOf(field);
    for (const source of sources) {
      read.add(source);
      const dot = source.indexOf(".");
      if (dot > 0) read.add(source.slice(0, dot));
    }
    get[field] = field === "request_id" && spec.requestIdJoin ? joinGetter(spec.requestIdJoin) : firstGetter(sources);
  }
  // The object forms of a mapping (templates, constants, paths, value maps, units).
  let converts = false;
  for (const [field, source] of Object.entries(mapping?.columns ?? {})) {
    if (typeof source === "string") continue;
    for (const column of columnsOfSource(source)) read.add(column);
    get[field as CanonicalField] = compileFieldSource(field as CanonicalField, source);
    converts = true;
  }
  const aliases =
    mapping?.provider_aliases && Object.keys(mapping.provider_aliases).length > 0
      ? aliasGetter(get.model, mapping.provider_aliases)
      : undefined;
  if (aliases) get.model = aliases;
  const unknownColumns = mapping?.unknown_columns ?? "misspellings";
  const known = new Set<string>();
  for (const column of [...knownColumnsOf(preset), ...(mapping?.ignore ?? [])]) if (!read.has(column)) known.add(column);
  const candidates = [...read, ...known];

  const verdicts = new Map<string, typeof READ | typeof IGNORED | string>();
  const ignored: string[] = [];
  const suspects: string[] = [];
  let fixedResult: string | undefined | null = null;
  const classify = (column: string): typeof READ | typeof IGNORED | string => {
    if (read.has(column)) return READ;
    if (known.has(column)) return IGNORED;
    const suggestion = closest(column, candidates);
    if (suggestion !== undefined && suggestion !== column && read.has(suggestion)) {
      if (unknownColumns === "warn") {
        suspects.push(column);
        return IGNORED;
      }
      return `unknown column \`${column}\` (did you mean \`${suggestion}\`?)`;
    }
    if (unknownColumns === "reject") return `unknown column \`${column}\` (not read by the mapping: list it under \`ignore:\`)`;
    return IGNORED;
  };

  const checkColumns = (record: Record<string, unknown>): string | undefined => {
    if (fixedResult !== null) return fixedResult;
    let problem: string | undefined;
    for (const column in record) {
      let verdict = verdicts.get(column);
      if (verdict === undefined) {
        verdict = classify(column);
        verdicts.set(column, verdict);
        if (verdict === IGNORED) ignored.push(column);
      }
      if (typeof verdict === "string" && problem === undefined) problem = verdict;
    }
    if (options.fixedColumns) fixedResult = problem;
    return problem;
  };
  const valuesOf = valuesReader(get);
  // The canonical preset reads each column by its own name: one pass over the record's
  // keys fills the values and sees any other column (which then takes the column check).
  const canonical = spec === PRESETS.canonical ? canonicalReader() : undefined;

  let supplied = 0;
  const noteSupplied = (values: FieldValues): FieldValues => {
    if (supplied !== ALL_PRICE_FIELDS) supplied |= suppliedMask(values);
    return values;
  };

  return {
    name: typeof preset === "string" ? preset : "mapping",
    inputExcludesCache: spec.inputExcludesCache,
    expand: spec.normalise,
    read(record) {
      if (canonical) {
        const values = emptyValues();
        if (!canonical(record, values)) return noteSupplied(values);
        return checkColumns(record) ?? noteSupplied(values);
      }
      const problem = checkColumns(record);
      if (problem !== undefined) return problem;
      if (!converts) return noteSupplied(valuesOf(record));
      try {
        return noteSupplied(valuesOf(record));
      } catch (error) {
        if (error instanceof SourceProblem) return error.reason;
        // Text too deeply nested to parse: a reject, never a crash (as in toLogRow).
        if (error instanceof RangeError) return `record too deeply nested to read (${error.message})`;
        throw error;
      }
    },
    ignoredColumns() {
      return [...ignored].sort();
    },
    suspectColumns() {
      return [...suspects].sort();
    },
    suppliedPriceFields() {
      return supplied;
    },
  };
}

function specOfMapping(mapping: ColumnMapping): PresetSpec {
  const base = PRESETS[mapping.base ?? "canonical"];
  const columns = { ...base.columns };
  let requestIdJoin = base.requestIdJoin;
  for (const [field, column] of Object.entries(mapping.columns)) {
    if (field === "request_id") requestIdJoin = undefined;
    if (typeof column !== "string") continue; // object forms: compileFieldSource
    columns[field as CanonicalField] = [column];
  }
  const spec: PresetSpec = { columns, inputExcludesCache: mapping.input_excludes_cache ?? base.inputExcludesCache };
  if (requestIdJoin) spec.requestIdJoin = requestIdJoin;
  if (base.normalise) spec.normalise = base.normalise;
  return spec;
}

/** The base's columns, read or known: what a mapping moved away from is still no misspelling. */
function knownColumnsOf(preset: PresetName | ColumnMapping): string[] {
  const base = PRESETS[typeof preset === "string" ? preset : (preset.base ?? "canonical")];
  const columns = [...(base.knownColumns ?? []), ...(base.requestIdJoin ?? [])];
  for (const field of CANONICAL_FIELDS)
    for (const source of base.columns[field] ?? [field]) if (!source.includes(".")) columns.push(source);
  return columns;
}

// The functions below are generated from CANONICAL_FIELDS (constant names embedded as
// JSON string literals; no input text is ever evaluated) so that every field is a named
// property of one object shape: reads and writes stay monomorphic on the hot path.

/** The price fields that have a value in `values`, as a mask (bit i = PRICE_FIELDS[i]). */
const suppliedMask = new Function(
  "values",
  `let mask = 0;\n${PRICE_FIELDS.map(({ field }, i) => {
    const v = `values[${JSON.stringify(field)}]`;
    return `if (${v} !== undefined && ${v} !== null && ${v} !== "") mask |= ${1 << i};`;
  }).join("\n")}\nreturn mask;`,
) as (values: FieldValues) => number;

/** A FieldValues with every field undefined. */
const emptyValues = new Function(
  `return {${CANONICAL_FIELDS.map((f) => `${JSON.stringify(f)}: undefined`).join(", ")}};`,
) as () => FieldValues;

/** FieldValues read through the preset's getters. */
function valuesReader(get: Record<CanonicalField, Getter>): (record: Record<string, unknown>) => FieldValues {
  const getters = CANONICAL_FIELDS.map((f) => get[f]);
  const body = `return (record) => ({${CANONICAL_FIELDS.map((f, i) => `${JSON.stringify(f)}: g${i}(record)`).join(", ")}});`;
  return new Function(...getters.map((_, i) => `g${i}`), body)(...getters) as (record: Record<string, unknown>) => FieldValues;
}

/** Fills canonical values from a record's own-named columns; true when it has another column. */
function canonicalReader(): (record: Record<string, unknown>, values: FieldValues) => boolean {
  const cases = CANONICAL_FIELDS.map((f) => `case ${JSON.stringify(f)}: values[${JSON.stringify(f)}] = record[key]; break;`).join("\n");
  return new Function(
    "record",
    "values",
    `let other = false;\nfor (const key in record) {\nswitch (key) {\n${cases}\ndefault: other = true;\n}\n}\nreturn other;`,
  ) as (record: Record<string, unknown>, values: FieldValues) => boolean;
}

function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null && value !== "" && value !== "\\N";
}

function sourceGetter(source: string): Getter {
  const path = source.split(".");
  // One small function per column, so each property read stays monomorphic (a shared
  // `record[name]` closure is megamorphic and several times slower on the hot path).
  // The name is embedded as a JSON string literal: no input text is ever evaluated.
  if (path.length === 1) return new Function("record", `return record[${JSON.stringify(source)}];`) as Getter;
  return (record) => {
    const direct = record[source];
    if (direct !== undefined) return direct;
    let value: unknown = record;
    for (const key of path) {
      if (typeof value !== "object" || value === null) return undefined;
      value = (value as Record<string, unknown>)[key];
    }
    return value;
  };
}

function firstGetter(sources: ReadonlyArray<string>): Getter {
  const getters = sources.map(sourceGetter);
  if (getters.length === 1) return getters[0]!;
  return (record) => {
    for (const getter of getters) {
      const value = getter(record);
      if (isPresent(value)) return value;
    }
    return undefined;
  };
}

/** `TraceId:SpanId`, or whichever is present; a value that is not text is passed on for the type check. */
function joinGetter(columns: ReadonlyArray<string>): Getter {
  return (record) => {
    let joined: string | undefined;
    for (const column of columns) {
      const value = record[column];
      if (!isPresent(value)) continue;
      if (typeof value !== "string" && typeof value !== "number" && typeof value !== "bigint") return value;
      const text = String(value).trim();
      if (text !== "") joined = joined === undefined ? text : `${joined}:${text}`;
    }
    return joined;
  };
}

/**
 * `provider_aliases`: a model `openai/gpt-4o` whose prefix is an alias is read as
 * `<account>/gpt-4o`, the account's gateway model (pricing/README.md).
 */
function aliasGetter(get: Getter, aliases: Readonly<Record<string, string>>): Getter {
  const table = new Map(Object.entries(aliases));
  return (record) => {
    const value = get(record);
    if (typeof value !== "string") return value;
    const text = value.trim();
    const slash = text.indexOf("/");
    if (slash <= 0) return value;
    const account = table.get(text.slice(0, slash));
    return account === undefined ? value : `${account}${text.slice(slash)}`;
  };
}
