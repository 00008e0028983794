import { ByteWriter } from "hyparquet-writer/src/bytewriter.js";
import { writePageHeader } from "hyparquet-writer/src/datapage.js";
import type { EncodedColumn } from "./encode-column.ts";
import type { FileSink } from "./file-sink.ts";
import type { ColumnChunk, CompressionCodec, PageHeader, SchemaElement } from "./footer-types.ts";
import { ScratchBuffer } from "./scratch-buffer.ts";
import { maxCompressedLength, snappyCompress } from "./snappy-compress.ts";

/** The largest page Parquet can describe (page sizes are int32). */
const MAX_PAGE = 0x7fffffff;

/** Compresses page data into reused buffers (one for dictionary pages, one for data pages). */
export class PageCompressor {
  private readonly dictionary = new ScratchBuffer();
  private readonly data = new ScratchBuffer();

  constructor(readonly codec: CompressionCodec) {}

  compress(bytes: Uint8Array, kind: "dictionary" | "data"): Uint8Array {
    if (this.codec === "UNCOMPRESSED") return bytes;
    const out = this[kind].ensure(maxCompressedLength(bytes.length));
    return out.subarray(0, snappyCompress(bytes, out));
  }
}

/**
 * Writes one column chunk of a row group: a dictionary page when the column has one, then
 * a single DATA_PAGE_V2 (definition levels uncompressed, values compressed by the codec).
 * Returns the chunk's metadata for the footer.
 */
export function writeColumnChunk(
  sink: FileSink,
  element: SchemaElement,
  encoded: EncodedColumn,
  rows: number,
  compressor: PageCompressor,
): ColumnChunk {
  const start = sink.offset;
  let uncompressed = 0;
  let dictionaryPageOffset: bigint | undefined;
  if (encoded.dictionary !== undefined) {
    const { data, count } = encoded.dictionary;
    const body = compressor.compress(data, "dictionary");
    const header = pageHeader(element, {
      type: "DICTIONARY_PAGE",
      uncompressed_page_size: data.length,
      compressed_page_size: body.length,
      dictionary_page_header: { num_values: count, encoding: "PLAIN" },
    });
    dictionaryPageOffset = BigInt(sink.offset);
    sink.write([header, body]);
    uncompressed += header.length + data.length;
  }
  const { levels, values, nullCount, encoding } = encoded;
  const body = compressor.compress(values, "data");
  const header = pageHeader(element, {
    type: "DATA_PAGE_V2",
    uncompressed_page_size: levels.length + values.length,
    compressed_page_size: levels.length + body.length,
    data_page_header_v2: {
      num_values: rows,
      num_nulls: nullCount,
      num_rows: rows,
      encoding,
      definition_levels_byte_length: levels.length,
      repetition_levels_byte_length: 0,
      is_compressed: compressor.codec !== "UNCOMPRESSED",
    },
  });
  const dataPageOffset = BigInt(sink.offset);
  sink.write([header, levels, body]);
  uncompressed += header.length + levels.length + values.length;
  return {
    file_offset: BigInt(start),
    meta_data: {
      type: element.type!,
      encodings: encoded.dictionary !== undefined ? ["PLAIN", "RLE", "RLE_DICTIONARY"] : ["PLAIN", "RLE"],
      path_in_schema: [element.name],
      codec: compressor.codec,
      num_values: BigInt(rows),
      total_uncompressed_size: BigInt(uncompressed),
      total_compressed_size: BigInt(sink.offset - start),
      data_page_offset: dataPageOffset,
      dictionary_page_offset: dictionaryPageOffset,
      statistics: { null_count: BigInt(nullCount), min_value: encoded.min, max_value: encoded.max },
      encoding_stats: [
        ...(encoded.dictionary !== undefined ? [{ page_type: "DICTIONARY_PAGE", encoding: "PLAIN", count: 1 } as const] : []),
        { page_type: "DATA_PAGE_V2", encoding, count: 1 },
      ],
    },
  };
}

function pageHeader(element: SchemaElement, header: PageHeader): Uint8Array {
  if (header.uncompressed_page_size > MAX_PAGE) {
    throw new RangeError(
      `column ${element.name}: a page of ${header.uncompressed_page_size} bytes is over Parquet's 2 GiB; write smaller row groups`,
    );
  }
  const writer = new ByteWriter(64);
  writePageHeader(writer, header);
  return writer.getBytes();
}
