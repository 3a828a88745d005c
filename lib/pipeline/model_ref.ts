/**
 * Model references, as MLflow writes them, wherever a model is taken: `models:/<name>/<version>`,
 * `models:/<name>@<alias>` (the registry), `runs:/<run id>/<path>` (a run's model folder), or a
 * local file.
 *
 * @module
 */

import { ConfigError, NotFoundError } from "../errors.ts";
import type { ModelVersion, RunInfo, TrackingStore } from "../tracking/store.ts";
import { noRegistry } from "../tracking/file_store.ts";

/** A model folder in a run (`model`), and the registry version it came through, if any. */
export interface ModelLocation {
  readonly run: RunInfo;
  /** The model folder, relative to the run's artifact root. */
  readonly path: string;
  readonly version?: ModelVersion;
}

/** True for `models:/…` and `runs:/…` references (they need a tracking store). */
export function isStoreReference(ref: string): boolean {
  return /^(models|runs):\//.test(ref);
}

/**
 * Where a `models:/` or `runs:/` reference points.
 *
 * @throws {ConfigError} for a malformed reference or a store without a registry.
 * @throws {DataError} for a version, alias or run that does not exist.
 */
export async function locateModel(store: TrackingStore, ref: string): Promise<ModelLocation> {
  const runs = /^runs:\/+([0-9a-f]+)\/(.+)$/.exec(ref);
  if (runs) {
    const run = await store.getRun(runs[1]!);
    if (!run) throw new NotFoundError(`${ref}: no run ${runs[1]} in ${store.where}`);
    return { run, path: runs[2]!.replace(/\/+$/, "") };
  }
  const m = /^models:\/+([^/@]+)(?:\/(\d+)|@([\w-]+))$/.exec(ref);
  if (!m) {
    throw new ConfigError([
      `model: expected models:/<name>/<version>, models:/<name>@<alias> or runs:/<id>/<path>, got "${ref}"`,
    ]);
  }
  if (!store.registry) throw noRegistry(store.where);
  const version = m[2]
    ? await store.registry.getModelVersion(m[1]!, m[2])
    : await store.registry.getModelVersionByAlias(m[1]!, m[3]!);
  const run = await store.getRun(version.runId);
  if (!run) {
    throw new NotFoundError(`${ref}: version ${version.version}'s run ${version.runId} is gone`);
  }
  const root = run.artifactUri.replace(/\/+$/, "");
  const path = version.source.startsWith(root + "/")
    ? version.source.slice(root.length + 1)
    : "model";
  return { run, path, version };
}
