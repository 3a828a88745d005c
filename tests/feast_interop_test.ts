import assert from "node:assert/strict";
import type { FeatureView } from "../lib/data/feature_spec.ts";
import { CLICKSTREAM_VIEW, TRANSACTION_VIEW } from "../lib/features/catalog.ts";
import { embeddedFeatures } from "../lib/features/embedded_source.ts";
import { connectRedis } from "../lib/features/redis/client.ts";
import { extractFeatures } from "../lib/features/redis/extract.ts";
import { ingestSnapshot } from "../lib/features/redis/ingest.ts";
import { feastKind, feastLayout } from "../lib/features/redis/layouts.ts";
import { entityIdFromKey } from "../lib/features/redis/feast_codec.ts";
import { RedisServer } from "./helpers/redis_server.ts";
import { runPython } from "./helpers/python.ts";

const PROJECT = "fraud_detection";
const DTYPE = { double_val: "Float64", int64_val: "Int64", bool_val: "Bool" } as const;

const REPO = `
import os, json
os.environ["FEAST_USAGE"] = "False"
import pandas as pd
from feast import Entity, FeatureStore, FeatureView, Field, FileSource, ValueType
from feast.types import Bool, Float64, Int64
repo = data["repo"]
with open(os.path.join(repo, "feature_store.yaml"), "w") as f:
    f.write(f"""project: ${PROJECT}
registry: {repo}/registry.db
provider: local
online_store:
  type: redis
  connection_string: "127.0.0.1:{data['port']}"
entity_key_serialization_version: 3
""")
types = {"Float64": Float64, "Int64": Int64, "Bool": Bool}
card = Entity(name=data["entity"], join_keys=[data["join_key"]], value_type=ValueType.STRING)
src = FileSource(path=os.path.join(repo, "source.parquet"), timestamp_field="event_timestamp")
fv = FeatureView(name=data["view"], entities=[card], online=True, source=src,
                 schema=[Field(name=n, dtype=types[t]) for n, t in data["dtypes"]])
store = FeatureStore(repo_path=repo)
store.apply([card, fv])
names = [n for n, _ in data["dtypes"]]
`;

function rows(view: FeatureView, seed: number, prefix: string, n: number) {
  const f = embeddedFeatures({
    view: view.name,
    samples: n,
    seed,
    snapshotTime: "2024-06-03T03:00:00Z",
  });
  const ids = f.entityIds.map((id) => `${prefix}${id}`);
  return { features: { ...f, entityIds: ids }, ids };
}

const VIEWS = [
  { view: TRANSACTION_VIEW, joinKey: "card_id" },
  { view: CLICKSTREAM_VIEW, joinKey: "user_id" },
];

for (const { view, joinKey } of VIEWS) {
  Deno.test(`Feast interop (${view.name} view): rows Feast writes to Redis read back equal here, and rows written here read back equal in Feast`, async () => {
    const NAMES = view.features.map((f) => f.name);
    const meta = { view: view.name, entity: view.entityType, join_key: joinKey };
    const server = await RedisServer.start();
    const repo = await Deno.makeTempDir();
    const conn = connectRedis({
      host: "127.0.0.1",
      port: server.port,
      db: 0,
      tls: false,
      clusterNodes: [],
      connectTimeoutMs: 1000,
      retries: 3,
    });
    const dtypes = view.features.map((f) => [f.name, DTYPE[feastKind(f)]]);
    const layout = feastLayout(view, PROJECT, joinKey);
    try {
      // 1. Feast writes (its own Redis online store); we read.
      const theirs = rows(view, 11, "feast_", 300);
      const table = theirs.ids.map((id, i) => ({
        id,
        ts: theirs.features.timestamps[i],
        values: NAMES.map((n) => {
          const v = theirs.features.frame.column(n)[i]!;
          return Number.isNaN(v) ? null : v;
        }),
      }));
      await runPython(
        REPO + `
rows = data["rows"]
df = pd.DataFrame([{**{data["join_key"]: r["id"], "event_timestamp": pd.Timestamp(r["ts"], unit="ms", tz="UTC")},
                    **{n: r["values"][j] for j, n in enumerate(names)}} for r in rows])
for n, t in data["dtypes"]:
    if t == "Bool": df[n] = df[n].astype(bool)
    elif t == "Int64": df[n] = df[n].astype("int64")
df.to_parquet(os.path.join(repo, "source.parquet"))
store.write_to_online_store(data["view"], df)
out = 0
`,
        { repo, port: server.port, dtypes, rows: table, ...meta },
      );
      const read = await extractFeatures(conn, { layout, view });
      assert.equal(read.features.frame.rows, 300);
      const at = new Map(read.features.entityIds.map((id, r) => [id, r]));
      theirs.ids.forEach((id, i) => {
        const r = at.get(id);
        assert.ok(r !== undefined, id);
        assert.equal(read.features.timestamps[r], theirs.features.timestamps[i]);
        for (const n of NAMES) {
          const a: number = theirs.features.frame.column(n)[i]!;
          const b: number = read.features.frame.column(n)[r!]!;
          assert.ok(
            a === b || (Number.isNaN(a) && Number.isNaN(b)),
            `${id}.${n}: Feast wrote ${a}, we read ${b}`,
          );
        }
      });

      // 2. We write the feast layout; Feast's get_online_features reads it.
      const ours = rows(view, 12, "ours_", 300);
      await ingestSnapshot({ conn, layout }, ours.features);
      const got = await runPython<Record<string, Array<number | boolean | null>>>(
        REPO + `
resp = store.get_online_features(features=[f"{data['view']}:{n}" for n in names],
                                 entity_rows=[{data["join_key"]: i} for i in data["ids"]]).to_dict()
out = {n: [None if v is None or v != v else (float(v) if not isinstance(v, bool) else v) for v in resp[n]] for n in names}
`,
        { repo, port: server.port, dtypes, ids: ours.ids, ...meta },
      );
      for (const n of NAMES) {
        ours.ids.forEach((id, i) => {
          const a = ours.features.frame.column(n)[i]!;
          const b = got[n]![i];
          const bn = b === null || b === undefined ? NaN : typeof b === "boolean" ? (b ? 1 : 0) : b;
          assert.ok(
            a === bn || (Number.isNaN(a) && Number.isNaN(bn)),
            `${id}.${n}: we wrote ${a}, Feast read ${b}`,
          );
        });
      }
    } finally {
      await conn.close();
      await server.stop();
      await Deno.remove(repo, { recursive: true });
    }
  });
}

Deno.test("entity keys serialized by Feast (versions 3 and 2) and ours parse to the same entity id", async () => {
  const keys = await runPython<Record<string, string>>(`
import warnings
warnings.simplefilter("ignore")
from feast.infra.key_encoding_utils import serialize_entity_key
from feast.protos.feast.types.EntityKey_pb2 import EntityKey
from feast.protos.feast.types.Value_pb2 import Value
ek = EntityKey(join_keys=["card_id"], entity_values=[Value(string_val="card_004242")])
out = {str(v): (serialize_entity_key(ek, entity_key_serialization_version=v) + b"${PROJECT}").hex() for v in (2, 3)}
`);
  const hex = (h: string) => Uint8Array.from(h.match(/../g)!.map((b) => parseInt(b, 16)));
  for (const v of ["2", "3"]) {
    assert.equal(entityIdFromKey(hex(keys[v]!), PROJECT), "card_004242", `version ${v}`);
  }
  const ours = feastLayout(TRANSACTION_VIEW, PROJECT, "card_id").key("card_004242");
  assert.equal(Array.from(ours, (b) => b.toString(16).padStart(2, "0")).join(""), keys["3"]);
});
