import { closeSync, openSync, rmSync } from "node:fs";
import { ByteWriter } from "hyparquet-writer/src/bytewriter.js";
import { writeMetadata } from "hyparquet-writer/src/metadata.js";
import { ColumnEncoder, type ColumnData } from "./encode-column.ts";
import { FileSink } from "./file-sink.ts";
import type { FileMetaData, RowGroup, SchemaElement } from "./footer-types.ts";
import { schemaElement } from "./schema-element.ts";
import { PageCompressor, writeColumnChunk } from "./write-column-chunk.ts";
import type { ColumnKind } from "./write-parquet.ts";

export type { ColumnData } from "./encode-column.ts";

export interface ParquetFileWriterOptions {
  /** Key-value metadata of the file footer. */
  metadata?: Record<string, string>;
  /**
   * Codec of every column chunk (`costs run --parquet-compression`). Default "none": the
   * JavaScript snappy makes writing about 2.8× slower for files about half as large;
   * `node --import tsx pipeline/bench/parquet-writer.ts` measures both.
   */
  compression?: "snappy" | "none";
  createdBy?: string;
}

const MAGIC = new Uint8Array([0x50, 0x41, 0x52, 0x31]); // "PAR1"

// Shared by every writer of the process: writes are synchronous, so one column is encoded
// at a time, and a run writing many files grows the scratch buffers once (they keep their
// size, that of the largest column chunk written, for the life of the process: ~32 MB
// with row groups of 131,072 priced rows, for the metadata column).
const encoder = new ColumnEncoder();
const compressors = { none: new PageCompressor("UNCOMPRESSED"), snappy: new PageCompressor("SNAPPY") };

/**
 * Writes a Parquet file row group by row group from columnar data (typed arrays and
 * dictionary codes), an order of magnitude faster than hyparquet-writer on JS values, with
 * the same schema as `writeParquet` (write-parquet.ts): every column OPTIONAL, dictionary
 * columns as RLE_DICTIONARY, others PLAIN, one DATA_PAGE_V2 per column chunk. The same
 * input gives the same bytes. Synchronous: a row group goes to the file as it is encoded.
 */
export class ParquetFileWriter {
  private readonly elements: SchemaElement[];
  private readonly kinds: ColumnKind[];
  private readonly sink: FileSink;
  private readonly compressor: PageCompressor;
  private readonly rowGroups: RowGroup[] = [];
  private numRows = 0;
  private closed = false;
  /** After `close()`: the file's sha256 (hex), computed while writing; undefined if a row group was rolled back. */
  sha256: string | undefined;

  /** Opens `file` for writing; schema = [name, kind][] in file order, all columns OPTIONAL. */
  constructor(
    private readonly file: string,
    schema: ReadonlyArray<readonly [string, ColumnKind]>,
    private readonly options: ParquetFileWriterOptions = {},
  ) {
    const names = new Set<string>();
    for (const [name] of schema) {
      if (names.has(name)) throw new Error(`Parquet schema: column ${name} appears twice`);
      names.add(name);
    }
    this.elements = schema.map(([name, kind]) => schemaElement(name, kind));
    this.kinds = schema.map(([, kind]) => kind);
    this.compressor = compressors[options.compression ?? "none"];
    this.sink = new FileSink(openSync(file, "w"));
    try {
      this.sink.write([MAGIC]);
    } catch (error) {
      this.abort();
      throw error;
    }
  }

  /**
   * Appends one row group of `rows` rows; `columns[i]` is the data of schema[i] and only
   * the first `rows` entries of each array are used. On an error (data that does not fit
   * the schema) nothing of the group stays in the file, and the writer can go on.
   */
  writeRowGroup(rows: number, columns: ColumnData[]): void {
    if (this.closed) throw new Error(`${this.file}: writeRowGroup after close`);
    if (columns.length !== this.elements.length) {
      throw new Error(`${this.file}: ${columns.length} columns for a schema of ${this.elements.length}`);
    }
    if (!Number.isInteger(rows) || rows < 0 || rows > 0x3fffffff)
      throw new RangeError(`${this.file}: cannot write a row group of ${rows} rows`);
    if (rows === 0) return;
    const start = this.sink.offset;
    try {
      const chunks = this.elements.map((element, i) => {
        const encoded = encoder.encode(element.name, this.kinds[i]!, columns[i]!, rows);
        return writeColumnChunk(this.sink, element, encoded, rows, this.compressor);
      });
      let uncompressed = 0n;
      for (const chunk of chunks) uncompressed += chunk.meta_data!.total_uncompressed_size;
      this.rowGroups.push({
        columns: chunks,
        total_byte_size: uncompressed,
        num_rows: BigInt(rows),
        file_offset: BigInt(start),
        total_compressed_size: BigInt(this.sink.offset - start),
      });
      this.numRows += rows;
    } catch (error) {
      this.sink.truncate(start);
      throw error;
    }
  }

  /** Writes the footer and closes the file; returns bytes written. A file with zero row groups is valid (0 rows). */
  close(): number {
    if (this.closed) throw new Error(`${this.file}: already closed`);
    const metadata: FileMetaData = {
      metadata_length: 0, // not serialized
      version: 2,
      schema: [{ name: "root", num_children: this.elements.length }, ...this.elements],
      num_rows: BigInt(this.numRows),
      row_groups: this.rowGroups,
      created_by: this.options.createdBy ?? "gateway-costs",
    };
    const keyValues = Object.entries(this.options.metadata ?? {});
    if (keyValues.length > 0) metadata.key_value_metadata = keyValues.map(([key, value]) => ({ key, value }));
    const footer = new ByteWriter(1 << 16);
    writeMetadata(footer, metadata);
    footer.appendBytes(MAGIC);
    this.sink.write([footer.getBytes()]);
    this.closed = true;
    closeSync(this.sink.fd);
    this.sha256 = this.sink.digest();
    return this.sink.offset;
  }

  /** Closes and deletes a partial file (on error). */
  abort(): void {
    if (!this.closed) {
      this.closed = true;
      closeSync(this.sink.fd);
    }
    rmSync(this.file, { force: true });
  }
}
