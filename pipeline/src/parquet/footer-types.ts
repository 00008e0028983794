import type { writePageHeader } from "hyparquet-writer/src/datapage.js";
import type { writeMetadata } from "hyparquet-writer/src/metadata.js";

/**
 * The Parquet metadata types as hyparquet-writer's serializers take them (it depends on its
 * own copy of hyparquet, whose types differ slightly from the project's).
 */
export type FileMetaData = Parameters<typeof writeMetadata>[1];
export type PageHeader = Parameters<typeof writePageHeader>[1];
export type SchemaElement = FileMetaData["schema"][number];
export type RowGroup = FileMetaData["row_groups"][number];
export type ColumnChunk = RowGroup["columns"][number];
export type ColumnMetaData = NonNullable<ColumnChunk["meta_data"]>;
export type Encoding = ColumnMetaData["encodings"][number];
export type CompressionCodec = ColumnMetaData["codec"];
export type MinMaxType = NonNullable<NonNullable<ColumnMetaData["statistics"]>["min_value"]>;
