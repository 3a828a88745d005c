import assert from "node:assert/strict";
import { Bulks, type Reply, RespError, RespReader } from "../lib/features/redis/_resp_reader.ts";
import { FieldIndex } from "../lib/features/redis/_field_index.ts";

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

/**
 * Feeds `chunks` one at a time, taking every reply complete so far (`bulks`: as Bulks; with
 * `fields`, hashes' name/value pairs as those fields' values).
 */
function parse(chunks: readonly Uint8Array[], bulks = false, fields?: FieldIndex): unknown[] {
  const reader = new RespReader(), out: unknown[] = [];
  const next = () => bulks ? reader.nextBulks(fields) : reader.next();
  for (const chunk of chunks) {
    for (let o = 0; o < chunk.length;) {
      const space = reader.space();
      const n = Math.min(space.length, chunk.length - o);
      space.set(chunk.subarray(o, o + n));
      reader.commit(n);
      o += n;
    }
    for (let r = next(); r !== undefined; r = next()) {
      out.push(
        r instanceof Bulks
          ? { bulks: Array.from({ length: r.length }, (_, j) => r.at(j)).map(plain) }
          : plain(r),
      );
    }
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

Deno.test("arrays of bulk strings read as positions equal the parsed replies, however the bytes are split", () => {
  const wire = enc.encode(
    "*3\r\n$2\r\n12\r\n$-1\r\n$0\r\n\r\n" + // HMGET-like: values, an absent one, an empty one
      "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n" +
      "*0\r\n*-1\r\n" + // empty and null arrays
      "*2\r\n$12\r\n345.678\r\n9.1\r\n$4\r\nnull\r\n" + // CR LF inside a value
      "*2\r\n:1\r\n$1\r\nx\r\n" + // not only bulk strings: the general parse
      "*1\r\n$11\r\ncard_000123\r\n",
  );
  const expected = [
    { bulks: ["12", null, ""] },
    { error: "WRONGTYPE Operation against a key holding the wrong kind of value" },
    { bulks: [] },
    null,
    { bulks: ["345.678\r\n9.1", "null"] },
    [1, "x"],
    { bulks: ["card_000123"] },
  ];
  assert.deepEqual(parse([wire], true), expected);
  for (let cut = 1; cut < wire.length; cut++) {
    const parts = [wire.subarray(0, cut), wire.subarray(cut)];
    assert.deepEqual(parse(parts, true), expected, `cut at ${cut}`);
  }
  const bytes = Array.from(wire, (_, i) => wire.subarray(i, i + 1));
  assert.deepEqual(parse(bytes, true), expected, "byte by byte");
  const given = Bulks.of([enc.encode("a"), null, enc.encode("bc")]);
  assert.deepEqual([0, 1, 2].map((j) => given.at(j)).map((v) => v && plain(v)), ["a", null, "bc"]);
});

Deno.test("hashes read whole come as the named fields' values, whatever their order, however the bytes are split", () => {
  const fields = new FieldIndex(["a", "bb", "ccc"].map((f) => enc.encode(f)));
  const hash = (...pairs: string[]) =>
    `*${pairs.length}\r\n` + pairs.map((p) => `$${enc.encode(p).length}\r\n${p}\r\n`).join("");
  const wire = enc.encode(
    hash("a", "1", "bb", "2", "ccc", "3") +
      hash("a", "4", "bb", "5", "ccc", "6") + // the same order again: the names it learned
      hash("ccc", "7", "x", "8", "a", "9") + // another order, a field not asked for, one absent
      hash("bb", "", "a", "b\r\n") + // an empty value, CR LF inside one
      hash("a", "1", "b", "2", "ccc", "3") + // a name one byte short of a field's
      "*0\r\n" + // no such key (any more): no values at all
      "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
  );
  const expected = [
    { bulks: ["1", "2", "3"] },
    { bulks: ["4", "5", "6"] },
    { bulks: ["9", null, "7"] },
    { bulks: ["b\r\n", "", null] },
    { bulks: ["1", null, "3"] },
    { bulks: [] },
    { error: "WRONGTYPE Operation against a key holding the wrong kind of value" },
  ];
  assert.deepEqual(parse([wire], true, fields), expected);
  for (let cut = 1; cut < wire.length; cut++) {
    const parts = [wire.subarray(0, cut), wire.subarray(cut)];
    assert.deepEqual(parse(parts, true, fields), expected, `cut at ${cut}`);
  }
  const bytes = Array.from(wire, (_, i) => wire.subarray(i, i + 1));
  assert.deepEqual(parse(bytes, true, fields), expected, "byte by byte");
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

Deno.test("a connection lost with several sendEach in flight: the awaited one rejects, the others raise no unhandled rejection", async () => {
  // A server that reads the first request and hangs up, as a Redis that dies mid-extraction.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const serving = (async () => {
    const c = await listener.accept();
    await c.read(new Uint8Array(1024));
    c.close();
  })();
  const { RespConnection } = await import("../lib/features/redis/resp.ts");
  const conn = await RespConnection.open({
    host: "127.0.0.1",
    port: (listener.addr as Deno.NetAddr).port,
    tls: false,
    db: 0,
    timeoutMs: 2000,
  });
  const ping = new TextEncoder().encode("*1\r\n$4\r\nPING\r\n");
  const inFlight = [1, 2, 3].map(() => conn.sendEach(ping, { count: 1, each: () => {} }));
  await assert.rejects(inFlight[0]!, /connection closed/);
  // The other two fail too, unawaited: the test runner reports an unhandled rejection, if any.
  await new Promise((r) => setTimeout(r, 50));
  conn.close();
  await serving;
  listener.close();
});
