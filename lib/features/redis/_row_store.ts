/**
 * Feature rows in growable columns, as read from Redis (duplicates included).
 *
 * @module
 */

/** Rows in growable columns, as read (duplicates included); no per-row objects. */
export class RowStore {
  columns: Float64Array[];
  ts: Float64Array;
  bad: Int32Array;
  readonly ids: string[] = [];

  constructor(width: number, capacity = 1 << 14) {
    this.columns = Array.from({ length: width }, () => new Float64Array(capacity));
    this.ts = new Float64Array(capacity);
    this.bad = new Int32Array(capacity);
  }

  get size(): number {
    return this.ids.length;
  }

  /** Appends a row (duplicates are resolved at the end). */
  push(id: string, timestamp: number, badMask: number, values: Float64Array): void {
    const i = this.ids.length;
    if (i === this.ts.length) this.#grow();
    this.ids.push(id);
    for (let j = 0; j < this.columns.length; j++) this.columns[j]![i] = values[j]!;
    this.ts[i] = timestamp;
    this.bad[i] = badMask;
  }

  #grow(): void {
    const cap = this.ts.length * 2;
    const grow = <T extends Float64Array | Int32Array>(a: T): T => {
      const b = new (a.constructor as { new (n: number): T })(cap);
      b.set(a);
      return b;
    };
    this.columns = this.columns.map(grow);
    this.ts = grow(this.ts);
    this.bad = grow(this.bad);
  }
}
