/**
 * The RESP2 reply parser of the lean connection, apart from the socket so it can be tested byte
 * by byte: bytes are read straight into {@link RespReader.space} and replies parsed from there,
 * bulk strings as views (no copies).
 *
 * @module
 */

import type { FieldIndex } from "./_field_index.ts";

/** A RESP reply: integer, status/bulk bytes, null, array, or an error. */
export type Reply = number | Uint8Array | null | Reply[] | RespError;

/** A `-ERR …` reply. */
export class RespError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RespError";
  }
}

const INCOMPLETE = Symbol("incomplete");

/**
 * An array reply of bulk strings as positions in one buffer, without a view per value: value j
 * is `buf[pos[2j], pos[2j+1])`, absent (null) when `pos[2j]` is -1.
 */
export class Bulks {
  readonly buf: Uint8Array;
  readonly pos: Int32Array;

  constructor(buf: Uint8Array, pos: Int32Array) {
    this.buf = buf;
    this.pos = pos;
  }

  /** Values as given (e.g. by another client) in one buffer. */
  static of(values: readonly (Uint8Array | null)[]): Bulks {
    const buf = new Uint8Array(values.reduce((n, v) => n + (v?.length ?? 0), 0));
    const pos = new Int32Array(2 * values.length);
    let at = 0;
    values.forEach((v, j) => {
      if (v === null) return void (pos[2 * j] = -1);
      buf.set(v, at);
      pos[2 * j] = at;
      pos[2 * j + 1] = at += v.length;
    });
    return new Bulks(buf, pos);
  }

  get length(): number {
    return this.pos.length >> 1;
  }

  /** Value j as a view, or null when absent. */
  at(j: number): Uint8Array | null {
    const from = this.pos[2 * j]!;
    return from < 0 ? null : this.buf.subarray(from, this.pos[2 * j + 1]!);
  }
}

/**
 * Parses replies from bytes written into its buffer. A full buffer is replaced, never reused, so
 * the views of replies already returned stay valid — unless the reader is `transient`: then a
 * reply is valid only until the next one is asked for, the buffer is reused (its unparsed tail
 * moved to the front) and so are the positions of {@link Bulks} replies.
 */
export class RespReader {
  #buf = new Uint8Array(1 << 20);
  #start = 0;
  #end = 0;
  readonly #transient: boolean;
  #pos = new Int32Array(0);

  constructor(options: { transient?: boolean } = {}) {
    this.#transient = options.transient ?? false;
  }

  /** Where the next bytes go (non-empty); call {@link commit} with how many were written. */
  space(): Uint8Array {
    if (this.#end === this.#buf.length) {
      const live = this.#buf.subarray(this.#start, this.#end);
      if (this.#transient && 2 * live.length <= this.#buf.length) {
        this.#buf.copyWithin(0, this.#start);
      } else {
        // Move the unparsed tail to a fresh buffer: replies parsed so far keep their views.
        const b = new Uint8Array(Math.max(this.#buf.length, live.length * 2, 1 << 16));
        b.set(live);
        this.#buf = b;
      }
      this.#start = 0;
      this.#end = live.length;
    }
    return this.#buf.subarray(this.#end);
  }

  /** `n` positions for a {@link Bulks} reply (reused when transient). */
  #positions(n: number): Int32Array {
    if (!this.#transient) return new Int32Array(n);
    if (this.#pos.length !== n) this.#pos = new Int32Array(n);
    return this.#pos;
  }

  /** Marks `n` bytes of {@link space} as written. */
  commit(n: number): void {
    this.#end += n;
  }

  /** The next complete reply, or undefined (nothing consumed) until more bytes arrive. */
  next(): Reply | undefined {
    const p = { pos: this.#start };
    const v = this.#value(p);
    if (v === INCOMPLETE) return undefined;
    this.#start = p.pos;
    return v;
  }

  /**
   * The next complete reply like {@link next}, but an array of bulk strings (or nulls) comes as
   * {@link Bulks}: one parse of its bytes and two numbers per value, no view each. With `fields`,
   * the array is a hash's name/value pairs (HGETALL) and comes as the values of those fields, in
   * their order (absent: -1; an empty hash: no values at all).
   */
  nextBulks(fields?: FieldIndex): Bulks | Reply | undefined {
    const b = this.#buf, end = this.#end;
    let i = this.#start;
    if (i >= end || b[i] !== 42) return this.next();
    let n = 0;
    for (i++; i < end && b[i] !== 13; i++) {
      if (b[i]! < 48 || b[i]! > 57) return this.next(); // *-1: a null array
      n = n * 10 + b[i]! - 48;
    }
    i += 2;
    if (fields) return this.#fields(fields, i, n);
    const pos = this.#positions(2 * n);
    for (let k = 0; k < n; k++) {
      if (i >= end) return undefined;
      if (b[i] !== 36) return this.next(); // not a bulk string: the general parse
      let len = 0;
      if (b[i + 1] === 45) {
        len = -1;
        i += 3; // $-1
      } else for (i++; i < end && b[i] !== 13; i++) len = len * 10 + b[i]! - 48;
      i += 2;
      if (len < 0) pos[2 * k] = -1;
      else {
        if (i + len + 2 > end) return undefined;
        pos[2 * k] = i;
        pos[2 * k + 1] = i + len;
        i += len + 2;
      }
    }
    if (i > end) return undefined;
    this.#start = i;
    return new Bulks(b, pos);
  }

  /** The `n` name/value bulks from `i` as `fields`' values (see {@link nextBulks}). */
  #fields(fields: FieldIndex, i: number, n: number): Bulks | Reply | undefined {
    const b = this.#buf, end = this.#end;
    const pos = this.#positions(n ? 2 * fields.size : 0).fill(-1);
    let field = -1;
    fields.begin();
    for (let k = 0; k < n; k++) {
      if (i >= end) return undefined;
      if (b[i] !== 36 || b[i + 1] === 45) return this.next(); // not a bulk string
      let len = 0;
      for (i++; i < end && b[i] !== 13; i++) len = len * 10 + b[i]! - 48;
      i += 2;
      if (i + len + 2 > end) return undefined;
      if ((k & 1) === 0) field = fields.next(b, i, i + len);
      else if (field >= 0) {
        pos[2 * field] = i;
        pos[2 * field + 1] = i + len;
      }
      i += len + 2;
    }
    if (i > end) return undefined;
    this.#start = i;
    return new Bulks(b, pos);
  }

  #line(from: number): number {
    const b = this.#buf;
    for (let i = from; i + 1 < this.#end; i++) if (b[i] === 13 && b[i + 1] === 10) return i;
    return -1;
  }

  #int(from: number, to: number): number {
    let n = 0, neg = false, i = from;
    if (this.#buf[i] === 45) {
      neg = true;
      i++;
    }
    for (; i < to; i++) n = n * 10 + (this.#buf[i]! - 48);
    return neg ? -n : n;
  }

  #value(p: { pos: number }): Reply | typeof INCOMPLETE {
    if (p.pos >= this.#end) return INCOMPLETE;
    const type = this.#buf[p.pos]!;
    const eol = this.#line(p.pos + 1);
    if (eol < 0) return INCOMPLETE;
    const head = p.pos + 1;
    switch (type) {
      case 36: { // $ bulk
        const len = this.#int(head, eol);
        if (len < 0) {
          p.pos = eol + 2;
          return null;
        }
        if (eol + 2 + len + 2 > this.#end) return INCOMPLETE;
        p.pos = eol + 2 + len + 2;
        return this.#buf.subarray(eol + 2, eol + 2 + len);
      }
      case 42: // * array
        return this.#array(p, head, eol);
      case 58: // : integer
        p.pos = eol + 2;
        return this.#int(head, eol);
      case 43: // + status
        p.pos = eol + 2;
        return this.#buf.subarray(head, eol);
      case 45: // - error
        p.pos = eol + 2;
        return new RespError(new TextDecoder().decode(this.#buf.subarray(head, eol)));
      default:
        throw new Error(`unexpected RESP byte ${type}`);
    }
  }

  #array(p: { pos: number }, head: number, eol: number): Reply | typeof INCOMPLETE {
    const n = this.#int(head, eol);
    p.pos = eol + 2;
    if (n < 0) return null;
    const out: Reply[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const v = this.#value(p);
      if (v === INCOMPLETE) return INCOMPLETE;
      out[i] = v;
    }
    return out;
  }
}
