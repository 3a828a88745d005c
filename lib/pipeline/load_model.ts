/**
 * Loading a saved model wherever it is: a JSON file (ours, or XGBoost's from Python), or a tracking
 * store's model folder through a reference as MLflow writes them (`models:/<name>@<alias>`,
 * `models:/<name>/<version>`, `runs:/<run id>/model`). Prediction, explanation, ONNX export,
 * serving, drift against a run and promotion all load through here.
 *
 * @module
 */

import { ModelFormatError } from "../errors.ts";
import { loadModel as fromJSON } from "../models/factory.ts";
import type { Classifier } from "../models/model.ts";
import {
  DEFAULT_TRACKING_URI,
  openTrackingStore,
  type StoreSettings,
} from "../tracking/open_store.ts";
import type { TrackingStore } from "../tracking/store.ts";
import { isStoreReference, locateModel, type ModelLocation } from "./model_ref.ts";

/** The tracking settings a `models:/` or `runs:/` reference is read through. */
export type ModelStoreSettings = Omit<StoreSettings, "onRetry">;

/** Options of {@link loadModel}. */
export interface LoadModelOptions {
  /**
   * The tracking store a `models:/` or `runs:/` reference is read from (a file needs none).
   * @default { trackingUri: "sqlite:///mlflow.db" }
   */
  readonly tracking?: ModelStoreSettings;
}

/**
 * The model `ref` names: a JSON file, or `models:/<name>@<alias>`, `models:/<name>/<version>`,
 * `runs:/<run id>/<path>` (the model folder's `model.json`) in the tracking store.
 *
 * @param ref A file path or a `models:/`, `runs:/` reference.
 * @param options Where references are read from.
 * @returns The model, of the type it was trained as.
 * @throws {ModelFormatError} for an unreadable file, text that is not JSON or not a known model.
 * @throws {ConfigError} for a malformed reference or a store without a registry.
 * @throws {NotFoundError} for a version, alias or run that does not exist.
 * @example Load the registry's champion
 * ```ts
 * import { loadModel } from "./load_model.ts";
 * const model = await loadModel("models:/fraud_detection@champion", {
 *   tracking: { trackingUri: "sqlite:///mlflow.db" },
 * });
 * model.featureNames; // the columns it scores, in its order
 * ```
 */
export async function loadModel(ref: string, options: LoadModelOptions = {}): Promise<Classifier> {
  if (!isStoreReference(ref)) {
    return modelFromText(new TextDecoder().decode(await readModelBytes(ref)), ref);
  }
  const store = await openTrackingStore(options.tracking ?? { trackingUri: DEFAULT_TRACKING_URI });
  try {
    return await readModelAt(store, await locateModel(store, ref));
  } finally {
    await store.close();
  }
}

/**
 * The model in a run's model folder that {@link locateModel} found (its `model.json`), for callers
 * that hold an open store and need the location too (the registry version, the run).
 *
 * @param store An open tracking store (left open).
 * @param at The model folder.
 * @returns The model, of the type it was trained as.
 * @throws {ModelFormatError} for a `model.json` that is not JSON or not a known model.
 * @example Load a registered version and keep its run
 * ```ts
 * import { readModelAt } from "./load_model.ts";
 * import { locateModel } from "./model_ref.ts";
 * import { openTrackingStore } from "../tracking/open_store.ts";
 * const store = await openTrackingStore({ trackingUri: "sqlite:///mlflow.db" });
 * const at = await locateModel(store, "models:/fraud_detection/3");
 * const model = await readModelAt(store, at);
 * await store.close();
 * at.run.runId; // the run that trained it
 * ```
 */
export async function readModelAt(store: TrackingStore, at: ModelLocation): Promise<Classifier> {
  const bytes = await store.readArtifact(at.run, `${at.path}/model.json`);
  const name = at.version
    ? `models:/${at.version.name}/${at.version.version}`
    : `runs:/${at.run.runId}/${at.path}`;
  return modelFromText(new TextDecoder().decode(bytes), name);
}

/**
 * A model file's bytes (JSON or ONNX).
 *
 * @param path The file.
 * @returns Its bytes.
 * @throws {ModelFormatError} naming the path when it cannot be read.
 * @example The bytes of an ONNX file
 * ```ts
 * import { readModelBytes } from "./load_model.ts";
 * const bytes = await readModelBytes("output/model.onnx");
 * bytes.length; // its size
 * ```
 */
export async function readModelBytes(path: string): Promise<Uint8Array> {
  try {
    return await Deno.readFile(path);
  } catch (cause) {
    const why = cause instanceof Deno.errors.NotFound ? "no such file" : String(cause);
    throw new ModelFormatError(`cannot read model "${path}": ${why}`, { cause });
  }
}

/** A model from its JSON text (`name` says where it came from, for messages). */
function modelFromText(text: string, name: string): Classifier {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    const why = (cause as Error).message.replace(/\s+/g, " ").slice(0, 200);
    throw new ModelFormatError(`model "${name}" is not valid JSON: ${why}`, { cause });
  }
  try {
    return fromJSON(json);
  } catch (cause) {
    if (!(cause instanceof ModelFormatError)) throw cause;
    throw new ModelFormatError(`model "${name}": ${cause.message}`, { cause });
  }
}
