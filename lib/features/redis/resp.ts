/**
 * A lean RESP2 connection for the extraction hot path: commands written in batches as raw bytes,
 * replies parsed straight from the socket buffer (bulk strings as views, no copies). Used for
 * SCAN and pipelined HMGET; everything else goes through ioredis.
 *
 * @module
 */

import { type Reply, RespError, RespReader } from "./_resp_reader.ts";

export { type Reply, RespError } from "./_resp_reader.ts";

const CRLF = new Uint8Array([13, 10]);
const enc = new TextEncoder();

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
  readonly #reader = new RespReader();
  #tail: Promise<unknown> = Promise.resolve();
  #pending = 0;

  private constructor(conn: Deno.Conn) {
    this.#conn = conn;
  }

  /** Connects (TLS when asked), authenticates and selects the database. */
  static async open(o: RespConnectOptions): Promise<RespConnection> {
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
   * views into read buffers that are never overwritten (see {@link RespReader}), so replies stay
   * valid while the next request is in flight.
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
      const r = this.#reader.next();
      if (r !== undefined) {
        out.push(r);
        continue;
      }
      const n = await this.#conn.read(this.#reader.space());
      if (n === null) throw new Error("connection closed by the server");
      this.#reader.commit(n);
    }
    return out;
  }

  close(): void {
    try {
      this.#conn.close();
    } catch { /* closed */ }
  }
}

/** How to reach a server. */
export interface RespConnectOptions {
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  readonly password?: string;
  readonly db: number;
  readonly timeoutMs: number;
}
