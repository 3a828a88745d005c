/**
 * A lean RESP2 connection for the extraction hot path: commands written in batches as raw bytes,
 * replies parsed straight from the socket buffer (bulk strings as views, no copies). Used for
 * SCAN and pipelined HMGET; everything else goes through ioredis.
 *
 * @module
 */

const CRLF = new Uint8Array([13, 10]);
const enc = new TextEncoder();

/** A RESP reply: integer, status/bulk bytes, null, array, or an error. */
export type Reply = number | Uint8Array | null | Reply[] | RespError;

/** A `-ERR …` reply. */
export class RespError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RespError";
  }
}

/** Encodes one command (bulk strings) into `out`, which grows as needed. */
export class CommandWriter {
  #buf = new Uint8Array(1 << 16);
  #len = 0;

  /** Bytes written so far. */
  get bytes(): Uint8Array {
    return this.#buf.subarray(0, this.#len);
  }

  reset(): void {
    this.#len = 0;
  }

  #ensure(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    const b = new Uint8Array(Math.max(this.#buf.length * 2, this.#len + n));
    b.set(this.#buf.subarray(0, this.#len));
    this.#buf = b;
  }

  #ascii(s: string): void {
    this.#ensure(s.length);
    for (let i = 0; i < s.length; i++) this.#buf[this.#len++] = s.charCodeAt(i);
  }

  /** Raw bytes (e.g. a pre-encoded tail shared by many commands). */
  raw(b: Uint8Array): void {
    this.#ensure(b.length);
    this.#buf.set(b, this.#len);
    this.#len += b.length;
  }

  /** Array header for `n` arguments. */
  header(n: number): void {
    this.#ascii(`*${n}\r\n`);
  }

  /** One bulk-string argument. */
  arg(a: Uint8Array | string): void {
    const b = typeof a === "string" ? enc.encode(a) : a;
    this.#ascii(`$${b.length}\r\n`);
    this.raw(b);
    this.raw(CRLF);
  }

  /** A whole command. */
  command(...args: (Uint8Array | string)[]): void {
    this.header(args.length);
    for (const a of args) this.arg(a);
  }
}

/** Encodes bulk-string arguments as RESP (for pre-encoding shared command tails). */
export function encodeArgs(args: readonly (Uint8Array | string)[]): Uint8Array {
  const w = new CommandWriter();
  for (const a of args) w.arg(a);
  return w.bytes.slice();
}

/** A connection that sends batches and reads exactly as many replies back. */
export class RespConnection {
  readonly #conn: Deno.Conn;
  #tail: Promise<unknown> = Promise.resolve();
  #pending = 0;
  #buf = new Uint8Array(1 << 20);
  #start = 0;
  #end = 0;

  private constructor(conn: Deno.Conn) {
    this.#conn = conn;
  }

  /** Connects (TLS when asked), authenticates and selects the database. */
  static async open(
    o: {
      host: string;
      port: number;
      tls: boolean;
      password?: string;
      db: number;
      timeoutMs: number;
    },
  ): Promise<RespConnection> {
    const connecting = o.tls
      ? Deno.connectTls({ hostname: o.host, port: o.port })
      : Deno.connect({ hostname: o.host, port: o.port });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`connect timeout after ${o.timeoutMs} ms`)),
        o.timeoutMs,
      );
    });
    const conn = await Promise.race([connecting, timeout]).finally(() => clearTimeout(timer));
    const c = new RespConnection(conn);
    const w = new CommandWriter();
    let expected = 0;
    if (o.password !== undefined) {
      w.command("AUTH", o.password);
      expected++;
    }
    if (o.db !== 0) {
      w.command("SELECT", String(o.db));
      expected++;
    }
    if (expected) {
      for (const r of await c.send(w.bytes, expected)) {
        if (r instanceof RespError) {
          c.close();
          throw new Error(r.message.startsWith("WRONGPASS") ? "authentication failed" : r.message);
        }
      }
    }
    return c;
  }

  /**
   * Writes `bytes` (one or more commands) and returns the next `count` replies. Bulk strings are
   * views into read buffers that are never overwritten (a full buffer is replaced, not reused), so
   * replies stay valid while the next request is in flight.
   */
  send(bytes: Uint8Array, count: number): Promise<Reply[]> {
    // Calls run one after another (their replies come back in order on one socket); when none is
    // pending the write starts right away, so a caller can decode while this one is on the wire.
    const run = this.#pending === 0
      ? this.#exchange(bytes, count)
      : this.#tail.then(() => this.#exchange(bytes, count));
    this.#pending++;
    const done = run.finally(() => this.#pending--);
    this.#tail = done.catch(() => {});
    return done;
  }

  async #exchange(bytes: Uint8Array, count: number): Promise<Reply[]> {
    for (let o = 0; o < bytes.length;) o += await this.#conn.write(bytes.subarray(o));
    const out: Reply[] = [];
    while (out.length < count) {
      const r = this.#parse();
      if (r === undefined) await this.#fill();
      else out.push(r.value);
    }
    return out;
  }

  close(): void {
    try {
      this.#conn.close();
    } catch { /* closed */ }
  }

  async #fill(): Promise<void> {
    if (this.#end === this.#buf.length) {
      // Move the unparsed tail to a fresh buffer: replies parsed in this send keep their views.
      const live = this.#buf.subarray(this.#start, this.#end);
      const b = new Uint8Array(Math.max(this.#buf.length, live.length * 2, 1 << 16));
      b.set(live);
      this.#buf = b;
      this.#start = 0;
      this.#end = live.length;
    }
    const n = await this.#conn.read(this.#buf.subarray(this.#end));
    if (n === null) throw new Error("connection closed by the server");
    this.#end += n;
  }

  /** Parses one reply at #start; undefined (and nothing consumed) when incomplete. */
  #parse(): { value: Reply } | undefined {
    const p = { pos: this.#start };
    const v = this.#value(p);
    if (v === INCOMPLETE) return undefined;
    this.#start = p.pos;
    return { value: v as Reply };
  }

  #line(p: { pos: number }): number {
    const b = this.#buf;
    for (let i = p.pos; i + 1 < this.#end; i++) if (b[i] === 13 && b[i + 1] === 10) return i;
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
    const eol = this.#line({ pos: p.pos + 1 });
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
      case 42: { // * array
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
}

const INCOMPLETE = Symbol("incomplete");
