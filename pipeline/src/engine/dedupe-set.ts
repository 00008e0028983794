/**
 * The request ids seen so far, as 95-bit hashes in an open-addressing table: 12 bytes
 * per id instead of a JavaScript string in a Set (about 100 bytes), so ten million ids
 * fit in ~200 MB. Two different ids are taken for one with probability about n²/2^96
 * (1e-14 at ten million rows); docs/pipeline.md states this.
 */
export class DedupeSet {
  private table: Uint32Array;
  private mask: number;
  size = 0;

  constructor(initialCapacity = 1 << 16) {
    let capacity = 1;
    while (capacity < initialCapacity && capacity < 1 << 26) capacity *= 2;
    this.table = new Uint32Array(capacity * 3);
    this.mask = capacity - 1;
  }

  /** Adds the id with hash (a, b, c) (from hashRequestId); false when it was there already. */
  add(a: number, b: number, c: number): boolean {
    if ((this.size + 1) * 4 > (this.mask + 1) * 3) this.grow();
    return this.insert(this.table, this.mask, a, b, c);
  }

  private insert(table: Uint32Array, mask: number, a: number, b: number, c: number): boolean {
    let slot = b & mask;
    for (;;) {
      const at = slot * 3;
      const x = table[at]!;
      if (x === 0) {
        table[at] = a;
        table[at + 1] = b;
        table[at + 2] = c;
        this.size++;
        return true;
      }
      if (x === a && table[at + 1] === b && table[at + 2] === c) return false;
      slot = (slot + 1) & mask;
    }
  }

  private grow(): void {
    const old = this.table;
    const capacity = (this.mask + 1) * 2;
    const table = new Uint32Array(capacity * 3);
    const mask = capacity - 1;
    const size = this.size;
    for (let at = 0; at < old.length; at += 3) if (old[at] !== 0) this.insert(table, mask, old[at]!, old[at + 1]!, old[at + 2]!);
    this.table = table;
    this.mask = mask;
    this.size = size;
  }
}

/** Three 32-bit hashes of a request id, written at `out[at..at+2]`; the first is never 0. */
export function hashRequestId(id: string, out: Uint32Array, at: number): void {
  let a = 0x811c9dc5;
  let b = 0x9747b28c ^ id.length;
  let c = 0x2545f491;
  for (let i = 0; i < id.length; i++) {
    const ch = id.charCodeAt(i);
    a = Math.imul(a ^ ch, 0x01000193);
    b = Math.imul(b ^ ch, 0x5bd1e995);
    b ^= b >>> 13;
    c = Math.imul(c + ch, 0x27d4eb2d);
    c ^= c >>> 15;
  }
  out[at] = (fmix(a) | 1) >>> 0;
  out[at + 1] = fmix(b ^ a) >>> 0;
  out[at + 2] = fmix(c ^ Math.imul(b, 0x85ebca6b)) >>> 0;
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}
