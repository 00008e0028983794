/**
 * A reusable output buffer that only grows: the column encoders write into it and the
 * writer hands a view of it to the file before the next column reuses it, so pages cost
 * no allocation (and no page faults) once the first row groups have sized it. The byte
 * view is a Buffer for its fast UTF-8 `write`; `words` views the same memory as int32
 * (always 8-byte aligned at 0) for the integer encoders.
 */
export class ScratchBuffer {
  bytes: Buffer;
  words: Int32Array;

  constructor(size = 1 << 16) {
    this.bytes = Buffer.allocUnsafeSlow(size);
    this.words = new Int32Array(this.bytes.buffer, this.bytes.byteOffset, size >>> 2);
  }

  /** Makes room for `size` bytes, keeping the first `keep` bytes; returns the byte view. */
  ensure(size: number, keep = 0): Buffer {
    if (size <= this.bytes.length) return this.bytes;
    let capacity = this.bytes.length;
    while (capacity < size) capacity *= 2;
    const bytes = Buffer.allocUnsafeSlow(capacity);
    if (keep > 0) this.bytes.copy(bytes, 0, 0, keep);
    this.bytes = bytes;
    this.words = new Int32Array(bytes.buffer, bytes.byteOffset, capacity >>> 2);
    return bytes;
  }
}
