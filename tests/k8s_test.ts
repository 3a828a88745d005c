/**
 * The Kubernetes manifests (`deploy/k8s/`), checked offline: every document against the models of
 * the pinned Python `kubernetes` client (generated from the Kubernetes OpenAPI schema: no field it
 * does not know, none it requires missing, each of its type), then against the code — the tasks
 * and flags they run, the ports and probes of the server, the environment the config reads, secrets
 * only by reference, the image's user, and a monitor CronJob that never overlaps itself.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { ENV_PATHS, SECRET_PATHS } from "../lib/config/load.ts";
import { resolveTask } from "../lib/config/resolve_task.ts";
import type { TaskSpec } from "../lib/config/task_spec.ts";
import { runPython } from "./helpers/python.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const DIR = join(ROOT, "deploy/k8s");

/** Each document, and what the schema check found wrong with it (empty: nothing). */
async function checkedDocuments(): Promise<{ kind: string; doc: K8s; problems: string[] }[]> {
  const files = [...Deno.readDirSync(DIR)].map((e) => join(DIR, e.name)).filter((f) =>
    f.endsWith(".yaml")
  );
  return await runPython(
    `
import yaml, kubernetes
from kubernetes.client import ApiClient
api = ApiClient()
PRIMITIVE = {"str", "int", "bool", "float", "object", "date", "datetime"}
def check(value, kind, path, problems):
    if kind.lower().startswith("list["):
        if not isinstance(value, list): problems.append(f"{path}: expected a list")
        else:
            for i, v in enumerate(value): check(v, kind[5:-1], f"{path}[{i}]", problems)
        return
    if kind.lower().startswith(("dict(", "dict[")):
        if not isinstance(value, dict): problems.append(f"{path}: expected a map")
        else:
            inner = kind[kind.index(",") + 1:-1].strip()
            for k, v in value.items(): check(v, inner, f"{path}.{k}", problems)
        return
    if kind in PRIMITIVE:
        ok = {"str": str, "int": int, "bool": bool, "float": (int, float)}.get(kind, object)
        if not isinstance(value, ok) or (kind == "int" and isinstance(value, bool)):
            problems.append(f"{path}: expected {kind}, found {value!r}")
        return
    cls = getattr(kubernetes.client.models, kind)
    if not isinstance(value, dict): problems.append(f"{path}: expected a {kind}"); return
    by_json = {j: a for a, j in cls.attribute_map.items()}
    for key, v in value.items():
        if key not in by_json: problems.append(f"{path}.{key}: not a field of {kind}")
        else: check(v, cls.openapi_types[by_json[key]], f"{path}.{key}", problems)
    try: api._ApiClient__deserialize(value, kind)
    except ValueError as e: problems.append(f"{path}: {e}")
out = []
for f in data["files"]:
    for doc in yaml.safe_load_all(open(f)):
        kind = doc["apiVersion"].split("/")[-1].capitalize() + doc["kind"]
        problems = []
        check(doc, kind if hasattr(kubernetes.client.models, kind) else "V1" + doc["kind"], doc["kind"], problems)
        out.append({"kind": doc["kind"], "doc": doc, "problems": problems})
`,
    { files },
  );
}

// deno-lint-ignore no-explicit-any
type K8s = any;

async function taskSpec(file: string): Promise<TaskSpec> {
  return (await import(join(ROOT, file))).TASK as TaskSpec;
}

Deno.test("the Kubernetes manifests are valid for the pinned client's schema and agree with the code", async () => {
  const docs = await checkedDocuments();
  assert.deepEqual(docs.map((d) => d.kind).sort(), [
    "ConfigMap",
    "CronJob",
    "Deployment",
    "Service",
  ]);
  for (const d of docs) assert.deepEqual(d.problems, [], `${d.kind}: ${d.problems.join("; ")}`);
  const by = (kind: string) => docs.find((d) => d.kind === kind)!.doc;
  const config = by("ConfigMap"),
    cron = by("CronJob"),
    deploy = by("Deployment"),
    svc = by("Service");
  for (const key of Object.keys(config.data)) {
    assert.ok(key in ENV_PATHS, `ConfigMap ${key} is read by nothing`);
    assert.ok(
      !SECRET_PATHS.includes(ENV_PATHS[key]!),
      `${key} is a secret: a Secret, not the ConfigMap`,
    );
  }
  const secretEnv = Object.entries(ENV_PATHS).filter(([, p]) => SECRET_PATHS.includes(p)).map((
    [k],
  ) => k);

  const pods = [cron.spec.jobTemplate.spec.template.spec, deploy.spec.template.spec];
  for (const pod of pods) {
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.equal(
      pod.securityContext.runAsUser,
      1993,
      "the image's user (useradd --uid in the Dockerfile)",
    );
    for (const c of pod.containers) {
      const [task, ...args] = c.args as string[];
      const env = Object.fromEntries(Object.entries(config.data).map(([k, v]) => [k, String(v)]));
      await resolveTask(await taskSpec(`tasks/${task}.ts`), args, env); // flags known, values valid
      assert.ok(
        c.resources.requests.cpu && c.resources.requests.memory,
        `${task}: resource requests`,
      );
      for (const e of c.env ?? []) {
        assert.ok(e.name in ENV_PATHS, `${e.name} is read by nothing`);
        if (secretEnv.includes(e.name)) {
          assert.ok(
            e.valueFrom?.secretKeyRef && e.value === undefined,
            `${e.name} only from a Secret`,
          );
        }
      }
      assert.deepEqual(c.volumeMounts.map((m: { mountPath: string }) => m.mountPath), ["/data"]);
    }
  }
  assert.equal(cron.spec.concurrencyPolicy, "Forbid");
  assert.equal(cron.spec.jobTemplate.spec.template.spec.containers[0].args[0], "monitor");
  const serve = deploy.spec.template.spec.containers[0];
  const port = Number(serve.args[serve.args.indexOf("--port") + 1]);
  assert.equal(serve.args[serve.args.indexOf("--host") + 1], "0.0.0.0");
  const named = serve.ports.find((p: { name: string }) =>
    p.name === serve.readinessProbe.httpGet.port
  );
  assert.equal(named.containerPort, port);
  assert.equal(serve.readinessProbe.httpGet.path, "/readyz");
  assert.equal(serve.livenessProbe.httpGet.path, "/healthz");
  assert.deepEqual(svc.spec.selector, deploy.spec.selector.matchLabels);
  assert.equal(svc.spec.ports[0].targetPort, named.name);
  assert.match(svc.spec.ports[0].name, /metrics/, "a ServiceMonitor selects the port by name");
});
