/**
 * A lean RESP2 connection for the extraction hot path: commands written in batches as raw bytes,
 * replies parsed straight from the socket buffer (bulk strings as views, no copies). Used for
 * SCAN and pipelined HGETALL/HMGET; everything else goes through ioredis.
 *
 * @module
 */

import { Bulks, type Reply, RespError, RespReader } from "./_resp_reader.ts";
import type { FieldIndex } from "./_field_index.ts";

export { Bulks, type Reply, RespError } from "./_resp_reader.ts";

const enc = new TextEncoder();

/** Encodes commands (arrays of bulk strings) into a buffer that grows as needed. */
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

  /** `prefix`, the decimal digits of `n` (≥ 0), CRLF. */
  #line(prefix: number, n: number): void {
    this.#ensure(24);
    const buf = this.#buf;
    buf[this.#len++] = prefix;
    if (n < 10) buf[this.#len++] = 48 + n;
    else if (n < 100) {
      buf[this.#len++] = 48 + ((n / 10) | 0);
      buf[this.#len++] = 48 + (n % 10);
    } else {
      const s = String(n);
      for (let i = 0; i < s.length; i++) buf[this.#len++] = s.charCodeAt(i);
    }
    buf[this.#len++] = 13;
    buf[this.#len++] = 10;
  }

  /** Raw bytes (e.g. a pre-encoded tail shared by many commands). */
  raw(b: Uint8Array): void {
    this.#ensure(b.length);
    this.#buf.set(b, this.#len);
    this.#len += b.length;
  }

  /** Array header for `n` arguments. */
  header(n: number): void {
    this.#line(42, n); // *
  }

  /** One bulk-string argument (a string is written as UTF-8; ASCII without an encoder call). */
  arg(a: Uint8Array | string): void {
    if (typeof a === "string" && !this.#asciiArg(a)) a = enc.encode(a);
    if (typeof a !== "string") {
      this.#line(36, a.length); // $
      if (a.length < 32) {
        this.#ensure(a.length);
        for (let i = 0; i < a.length; i++) this.#buf[this.#len++] = a[i]!;
      } else this.raw(a);
    }
    this.#ensure(2);
    this.#buf[this.#len++] = 13;
    this.#buf[this.#len++] = 10;
  }

  /** Writes `$len CRLF chars` when `s` is ASCII; false (nothing written) otherwise. */
  #asciiArg(s: string): boolean {
    const start = this.#len;
    this.#line(36, s.length);
    this.#ensure(s.length);
    const buf = this.#buf;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c > 127) {
        this.#len = start;
        return false;
      }
      buf[this.#len++] = c;
    }
    return true;
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
  readonly #reader: RespReader;
  readonly #transient: boolean;
  #writes: Promise<unknown> = Promise.resolve();
  #reads: Promise<unknown> = Promise.resolve();
  #failed: unknown = undefined;

  private constructor(conn: Deno.Conn, transient: boolean) {
    this.#conn = conn;
    this.#transient = transient;
    this.#reader = new RespReader({ transient });
  }

  /** Connects (TLS when asked), authenticates and selects the database. */
  static async open(options: RespConnectOptions): Promise<RespConnection> {
    const connecting = options.tls
      ? Deno.connectTls({ hostname: options.host, port: options.port })
      : Deno.connect({ hostname: options.host, port: options.port });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`connect timeout after ${options.timeoutMs} ms`)),
        options.timeoutMs,
      );
    });
    const conn = await Promise.race([connecting, timeout]).finally(() => clearTimeout(timer));
    // Batches go out whole at once, not held back waiting for the last one's acknowledgement.
    if (!options.tls) (conn as Deno.TcpConn).setNoDelay(true);
    const c = new RespConnection(conn, options.transient ?? false);
    const w = new CommandWriter();
    let expected = 0;
    if (options.password !== undefined) {
      w.command("AUTH", options.password);
      expected++;
    }
    if (options.db !== 0) {
      w.command("SELECT", String(options.db));
      expected++;
    }
    if (expected) {
      // Only errors are looked at (their text is copied), so this holds on a transient one too.
      for (
        const r of await c.#exchange(w.bytes, expected, {
          next: () => c.#reader.next(),
          keep: true,
        })
      ) {
        if (r instanceof RespError) {
          c.close();
          throw new Error(r.message.startsWith("WRONGPASS") ? "authentication failed" : r.message);
        }
      }
    }
    return c;
  }

  /**
   * Writes `bytes` (one or more commands) and returns the next `count` replies. Writes go out in
   * call order as soon as the previous write is on the wire, and replies are read in the same
   * order, so several calls can be in flight (pipelined): the server works on the next batch
   * while the caller decodes this one. Bulk strings are views into read buffers that are never
   * overwritten (see {@link RespReader}), so replies stay valid while later requests are read.
   * A failure reaches whoever awaits the promise; one not awaited yet is not reported as an
   * unhandled rejection meanwhile.
   */
  send(bytes: Uint8Array, count: number): Promise<Reply[]> {
    this.#keepsReplies();
    const next = () => this.#reader.next();
    return this.#exchange(bytes, count, { next, keep: true }) as Promise<Reply[]>;
  }

  /**
   * {@link send}, with each array of bulk strings in the replies given as {@link Bulks}; with
   * `fields`, each array is a hash's name/value pairs, given as those fields' values (see
   * {@link RespReader.nextBulks}).
   */
  sendBulks(bytes: Uint8Array, count: number, fields?: FieldIndex): Promise<(Bulks | Reply)[]> {
    this.#keepsReplies();
    return this.#exchange(bytes, count, { next: () => this.#reader.nextBulks(fields), keep: true });
  }

  /**
   * Writes `bytes` and hands each of the next `replies.count` replies to `replies.each` as soon
   * as it is read (as {@link sendBulks} gives them), valid only during that call: on a connection
   * opened `transient`, the read buffer is then reused. Resolves once the last reply has been
   * handled; a throw from `replies.each` fails it, and every later read on the connection (close
   * it).
   */
  sendEach(bytes: Uint8Array, replies: EachReply): Promise<void> {
    let k = 0;
    const next = () => {
      const r = this.#reader.nextBulks(replies.fields);
      if (r !== undefined) replies.each(r, k++);
      return r;
    };
    const done = this.#exchange(bytes, replies.count, { next, keep: false }).then(() => {});
    // Callers keep several in flight and stop awaiting at the first failure: the others' failure
    // (the same lost connection) must not surface as an unhandled rejection that kills the process.
    done.catch(() => {});
    return done;
  }

  /** Replies handed out must outlive later reads: not on a transient connection. */
  #keepsReplies(): void {
    if (this.#transient) throw new Error("a transient connection's replies are read with sendEach");
  }

  /** Writes `bytes` after earlier writes, then reads `count` replies `how` says. */
  #exchange(
    bytes: Uint8Array,
    count: number,
    how: { next: () => Bulks | Reply | undefined; keep: boolean },
  ): Promise<(Bulks | Reply)[]> {
    const written = this.#writes.then(() => this.#write(bytes));
    const read = this.#reads.then(() => this.#read(count, how));
    this.#writes = written.catch(() => {});
    this.#reads = read.catch(() => {});
    const replies = Promise.all([written, read]).then(([, replies]) => replies);
    replies.catch(() => {}); // awaited later while others are in flight: never "unhandled"
    return replies;
  }

  async #write(bytes: Uint8Array): Promise<void> {
    for (let o = 0; o < bytes.length;) o += await this.#conn.write(bytes.subarray(o));
  }

  /** Reads `count` replies with `how.next` (returned if `how.keep`). */
  async #read(
    count: number,
    how: { next: () => Bulks | Reply | undefined; keep: boolean },
  ): Promise<(Bulks | Reply)[]> {
    // After a failed read the stream's position is unknown: no later read may parse from it.
    if (this.#failed !== undefined) throw this.#failed;
    const out: (Bulks | Reply)[] = [];
    try {
      for (let k = 0; k < count;) {
        const r = how.next();
        if (r !== undefined) {
          if (how.keep) out.push(r);
          k++;
          continue;
        }
        const n = await this.#conn.read(this.#reader.space());
        if (n === null) throw new Error("connection closed by the server");
        this.#reader.commit(n);
      }
    } catch (e) {
      this.#failed = e;
      throw e;
    }
    return out;
  }

  close(): void {
    try {
      this.#conn.close();
    } catch { /* closed */ }
  }
}

/** How {@link RespConnection.sendEach} reads replies. */
export interface EachReply {
  /** Replies to read. */
  readonly count: number;
  /** Gets reply `k` (0-based), valid during the call only. */
  readonly each: (reply: Bulks | Reply, k: number) => void;
  /** Hashes read whole: their pairs as these fields' values (see `RespReader.nextBulks`). */
  readonly fields?: FieldIndex | undefined;
}

/** How to reach a server. */
export interface RespConnectOptions {
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  readonly password?: string;
  readonly db: number;
  readonly timeoutMs: number;
  /** Replies are read with `sendEach` only, and the read buffer reused. */
  readonly transient?: boolean;
}
