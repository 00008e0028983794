/**
 * What the filters recompute an element from, written by the pages into `data-source`
 * and read by the client: `kind` or `kind:dimension` ("trend", "bar:model",
 * "breakdown:metadata.a:b"). A dimension can hold `:` itself (a metadata key comes from a
 * client), so the text is cut at its first `:` only.
 */
export type SourceKind = "trend" | "bar" | "lines" | "breakdown";

export interface DataSource {
  kind: string;
  /** The column the element is computed by (`model`, `metadata.<key>`); null for `trend`. */
  dimension: string | null;
}

export function dataSource(kind: SourceKind, dimension?: string): string {
  return dimension === undefined ? kind : `${kind}:${dimension}`;
}

export function parseDataSource(text: string): DataSource {
  const colon = text.indexOf(":");
  return colon === -1 ? { kind: text, dimension: null } : { kind: text.slice(0, colon), dimension: text.slice(colon + 1) };
}
