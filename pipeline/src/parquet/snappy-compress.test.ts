import { snappyUncompress } from "hyparquet";
import { snappyCompress as referenceCompress } from "hyparquet-writer/src/snappy.js";
import { describe, expect, it } from "vitest";
import { maxCompressedLength, snappyCompress } from "./snappy-compress.ts";

function compress(input: Uint8Array): Uint8Array {
  const out = new Uint8Array(maxCompressedLength(input.length));
  return out.subarray(0, snappyCompress(input, out));
}

function roundTrip(input: Uint8Array): Uint8Array {
  const output = new Uint8Array(input.length);
  snappyUncompress(compress(input), output);
  return output;
}

/** Deterministic bytes: `alphabet` symbols from a small PRNG. */
function noise(length: number, alphabet = 256, seed = 7): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    bytes[i] = (seed >>> 16) % alphabet;
  }
  return bytes;
}

describe("snappyCompress", () => {
  const cases: Array<[string, Uint8Array]> = [
    ["empty", new Uint8Array(0)],
    ["one byte", Uint8Array.of(42)],
    ["shorter than a searched block (16 bytes)", noise(16, 4)],
    ["random bytes over several 64 KiB blocks", noise(200_000)],
    ["zeros over several blocks (copies longer than 64 bytes)", new Uint8Array(300_001)],
    ["small alphabet (short copies, offsets over 2 KiB)", noise(150_000, 3)],
    [
      "little-endian int64 token counts",
      new Uint8Array(BigInt64Array.from({ length: 20_000 }, (_, i) => BigInt((i * 7919) % 5000)).buffer),
    ],
    ["UTF-8 text with repeats", new TextEncoder().encode('{"project":"alpha","région":"é"}'.repeat(5000))],
    ["incompressible bytes after a run of zeros", Uint8Array.from([...new Uint8Array(64), ...noise(70_000)])],
  ];
  it.each(cases)("%s: hyparquet decompresses it to the same bytes", (_, input) => {
    expect(Buffer.from(roundTrip(input)).equals(Buffer.from(input))).toBe(true);
  });

  it("compresses repetitive data about as well as hyparquet-writer's compressor, and stays under the format's bound", () => {
    const text = new TextEncoder().encode('{"project":"alpha","env":"prod","tags":["a","b"]}'.repeat(2000));
    const ours = compress(text).length;
    expect(ours).toBeLessThan(text.length / 10);
    expect(ours).toBeLessThanOrEqual(referenceCompress(text).length * 1.1);
    const random = noise(100_000);
    expect(compress(random).length).toBeLessThanOrEqual(maxCompressedLength(random.length));
  });

  it("is deterministic across calls (the hash table is reset per block)", () => {
    const input = noise(100_000, 5);
    const first = Buffer.from(compress(noise(80_000, 2)));
    expect(Buffer.from(compress(input)).equals(Buffer.from(compress(input)))).toBe(true);
    expect(Buffer.from(compress(noise(80_000, 2))).equals(first)).toBe(true);
  });
});
