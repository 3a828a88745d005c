/**
 * Where each of a layout's fields sits in a hash read whole (HGETALL's name/value pairs): the
 * name at each pair position is checked byte for byte against the field found there in the last
 * reply (rows written by one writer share their field order), and looked up by name only when it
 * differs.
 *
 * @module
 */

/** Field names → their index in a fixed list, learning the order replies give them in. */
export class FieldIndex {
  readonly #byName: Map<string, number>;
  readonly size: number;
  /** The name last seen at each pair position, and what it was (field index, -1: not a field). */
  #names: Uint8Array[] = [];
  #found: number[] = [];
  /** The pair position of the next name. */
  #at = 0;

  constructor(fields: readonly Uint8Array[]) {
    this.#byName = new Map(fields.map((f, j) => [latin1(f, 0, f.length), j]));
    this.size = fields.length;
  }

  /** Starts a reply: the next name is its first. */
  begin(): void {
    this.#at = 0;
  }

  /** The index of the field named `b[from, to)`, the reply's next name, or -1. */
  next(b: Uint8Array, from: number, to: number): number {
    const p = this.#at++, seen = this.#names[p];
    if (seen !== undefined && seen.length === to - from && equals(seen, b, from)) {
      return this.#found[p]!;
    }
    const j = this.#byName.get(latin1(b, from, to)) ?? -1;
    this.#names[p] = b.slice(from, to);
    this.#found[p] = j;
    return j;
  }
}

/** Whether `b` holds `f`'s bytes from `at`. */
function equals(f: Uint8Array, b: Uint8Array, at: number): boolean {
  for (let i = 0; i < f.length; i++) if (f[i] !== b[at + i]) return false;
  return true;
}

/** Bytes as one char each (names compare exactly as bytes). */
function latin1(b: Uint8Array, from: number, to: number): string {
  let s = "";
  for (let i = from; i < to; i++) s += String.fromCharCode(b[i]!);
  return s;
}
