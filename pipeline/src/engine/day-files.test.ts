import { describe, expect, it } from "vitest";
import { keepRows } from "./day-files.ts";
import { SegmentBuilder } from "./segment-builder.ts";
import { COLUMN } from "./segment-builder.ts";

describe("keepRows", () => {
  it("keeps exactly the rows not dropped, in order, in every kind of column", () => {
    const builder = new SegmentBuilder("2026-06-16");
    const ids = Array.from({ length: 3000 }, (_, i) => (i % 17 === 5 ? null : `req-${i}-${"é".repeat(i % 4)}`));
    for (const [i, id] of ids.entries()) {
      const r = builder.next();
      builder.text(COLUMN.request_id, r, id);
      builder.dict(COLUMN.model, r, i % 3 === 0 ? null : `m${i % 5}`);
      builder.number(COLUMN.input_tokens, r, i % 11 === 0 ? null : i * 7);
      builder.bigint(COLUMN.cost_usd, r, i % 13 === 0 ? null : BigInt(i) * 1000n);
      builder.bool(COLUMN.batch, r, i % 2 === 0);
    }
    const columns = builder.finish();
    const drop = Uint8Array.from(ids, (_, i) => (i === 0 || i % 97 === 3 || (i > 2990 && i < 2995) || i === 2999 ? 1 : 0));
    const kept = keepRows(columns, ids.length, drop);
    const rows = ids.map((_, i) => i).filter((i) => !drop[i]);
    expect(kept.rows).toBe(rows.length);

    const text = kept.columns[COLUMN.request_id] as { data: Uint8Array; offsets: Int32Array; nulls: Uint8Array };
    const read = rows.map((_, k) =>
      text.nulls[k] ? null : Buffer.from(text.data.subarray(text.offsets[k]! + 4, text.offsets[k + 1]!)).toString("utf8"),
    );
    expect(read).toEqual(rows.map((i) => ids[i]));
    const model = kept.columns[COLUMN.model] as { codes: Int32Array; dictionary: string[] };
    expect(rows.map((_, k) => (model.codes[k]! < 0 ? null : model.dictionary[model.codes[k]!]))).toEqual(
      rows.map((i) => (i % 3 === 0 ? null : `m${i % 5}`)),
    );
    const tokens = kept.columns[COLUMN.input_tokens] as { values: Float64Array; nulls: Uint8Array };
    expect(rows.map((_, k) => (tokens.nulls[k] ? null : tokens.values[k]))).toEqual(rows.map((i) => (i % 11 === 0 ? null : i * 7)));
    const cost = kept.columns[COLUMN.cost_usd] as { values: BigInt64Array; nulls: Uint8Array };
    expect(rows.map((_, k) => (cost.nulls[k] ? null : cost.values[k]))).toEqual(rows.map((i) => (i % 13 === 0 ? null : BigInt(i) * 1000n)));
    const batch = kept.columns[COLUMN.batch] as { values: Uint8Array };
    expect(rows.map((_, k) => batch.values[k])).toEqual(rows.map((i) => (i % 2 === 0 ? 1 : 0)));
  });
});
