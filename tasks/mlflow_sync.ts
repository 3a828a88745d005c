/**
 * `deno task mlflow-sync --from <store> --to <store>`: copies runs between tracking stores — the
 * deprecated file store to MLflow's SQLite default or a server, or an offline run to the server
 * that was down.
 *
 * @module
 */

import { defineTask, type FlagSpec } from "../lib/config/task_spec.ts";
import { SyncOptionsSchema, syncRuns } from "../lib/pipeline/sync.ts";
import { runTask } from "./_main.ts";

// deno-fmt-ignore
const FLAGS: FlagSpec[] = [
  { flag: "from",       option: "from",       type: "string", arg: "<uri>",  help: "source: a path (file store), sqlite:///… or http(s)://…" },
  { flag: "to",         option: "to",         type: "string", arg: "<uri>",  help: "target store" },
  { flag: "experiment", option: "experiment", type: "string", arg: "<name>", help: "only this experiment (default: all)" },
  { flag: "run-id",     option: "runIds",     type: "list",   arg: "<id,…>", help: "only these runs" },
];

/** The task's declaration (also read by tests). */
export const TASK = defineTask({
  name: "mlflow-sync",
  summary:
    "Copy runs (params, metrics with steps, tags, artifacts) from one tracking store to another.",
  usage: [
    "deno task mlflow-sync --from ./mlruns --to sqlite:///mlflow.db",
    "deno task mlflow-sync --from sqlite:///mlflow.db --to http://mlflow:5000 --run-id <id>",
  ],
  config: true,
  options: SyncOptionsSchema,
  flags: FLAGS,
  notes: ["Copies carry the tag mlflow_sync.source_run_id; a run copied before is skipped."],
});

if (import.meta.main) {
  await runTask(TASK, async ({ config, options }) => {
    const m = config.mlflow;
    const auth = { token: m.token, username: m.username, password: m.password };
    const runs = await syncRuns({ ...options, auth });
    for (const r of runs) {
      console.log(
        `mlflow-sync: ${r.experiment}: ${r.sourceRunId} → ${r.targetRunId}${
          r.copied ? "" : " (copied before)"
        }`,
      );
    }
    console.error(
      `mlflow-sync: ${runs.filter((r) => r.copied).length} run(s) copied, ${
        runs.filter((r) => !r.copied).length
      } already there`,
    );
  });
}
