import assert from "node:assert/strict";
import { type Reply, RespError, RespReader } from "../lib/features/redis/_resp_reader.ts";

const enc = new TextEncoder(), dec = new TextDecoder();

/** Replies in a comparable form: bulk strings as text, errors as `{ error }`. */
function plain(r: Reply): unknown {
  if (r instanceof RespError) return { error: r.message };
  if (r instanceof Uint8Array) return dec.decode(r);
  if (Array.isArray(r)) return r.map(plain);
  return r;
}

const WIRE = "+OK\r\n" +
  "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n" +
  ":42\r\n:-3\r\n" +
  "$3\r\nfoo\r\n$0\r\n\r\n$-1\r\n" +
  "$6\r\na\r\nb\r\n\r\n" + // CR LF inside a bulk string
  "*2\r\n$1\r\n0\r\n*3\r\n$4\r\nk:01\r\n$-1\r\n:7\r\n" + // SCAN-like nested reply
  "*-1\r\n*0\r\n";

const EXPECTED = [
  "OK",
  { error: "WRONGTYPE Operation against a key holding the wrong kind of value" },
  42,
  -3,
  "foo",
  "",
  null,
  "a\r\nb\r\n",
  ["0", ["k:01", null, 7]],
  null,
  [],
];

/** Feeds `chunks` one at a time, taking every reply complete so far. */
function parse(chunks: readonly Uint8Array[]): unknown[] {
  const reader = new RespReader(), out: unknown[] = [];
  for (const chunk of chunks) {
    for (let o = 0; o < chunk.length;) {
      const space = reader.space();
      const n = Math.min(space.length, chunk.length - o);
      space.set(chunk.subarray(o, o + n));
      reader.commit(n);
      o += n;
    }
    for (let r = reader.next(); r !== undefined; r = reader.next()) out.push(plain(r));
  }
  return out;
}

Deno.test("the RESP reader gives the same replies however the bytes are split", () => {
  const bytes = enc.encode(WIRE);
  assert.deepEqual(parse([bytes]), EXPECTED);
  for (let cut = 1; cut < bytes.length; cut++) {
    assert.deepEqual(
      parse([bytes.subarray(0, cut), bytes.subarray(cut)]),
      EXPECTED,
      `cut at ${cut}`,
    );
  }
  assert.deepEqual(
    parse(Array.from(bytes, (_, i) => bytes.subarray(i, i + 1))),
    EXPECTED,
    "byte by byte",
  );
});

Deno.test("replies already returned stay valid when the reader's buffer fills and is replaced", () => {
  const reader = new RespReader();
  const kept: Uint8Array[] = [];
  const value = "v".repeat(1000);
  const one = enc.encode(`$${value.length}\r\n${value}\r\n`);
  for (let i = 0; i < 3000; i++) { // ~3 MB through a 1 MB buffer
    const space = reader.space();
    const n = Math.min(space.length, one.length);
    space.set(one.subarray(0, n));
    reader.commit(n);
    if (n < one.length) {
      const rest = reader.space();
      rest.set(one.subarray(n));
      reader.commit(one.length - n);
    }
    const r = reader.next();
    assert.ok(r instanceof Uint8Array);
    kept.push(r);
  }
  for (const k of kept) assert.equal(dec.decode(k), value);
});
