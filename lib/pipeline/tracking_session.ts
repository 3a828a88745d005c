/**
 * Opening the configured tracking store for a run: servers are checked before any work starts
 * (one clear line when unreachable, or — with `mlflow.offlineOk` — the embedded store instead and
 * the `mlflow-sync` command that uploads the run later), and a run that will register its model
 * needs a store with a registry.
 *
 * @module
 */

import type { TrainingConfig } from "../config/schema.ts";
import { EnvironmentError } from "../errors.ts";
import { noRegistry } from "../tracking/file_store.ts";
import { DEFAULT_TRACKING_URI, openTrackingStore } from "../tracking/open_store.ts";
import type { TrackingStore } from "../tracking/store.ts";
import type { Logger } from "../util/logger.ts";

/** The store a run writes to, and where it should have gone when it went offline. */
export interface TrackingSession {
  readonly store: TrackingStore;
  /** Set when the configured server was unreachable and the run went to the embedded store. */
  readonly offline?: { readonly from: string; readonly to: string };
}

/**
 * Opens and checks the store of `config.mlflow`.
 *
 * @throws {EnvironmentError} when the server cannot be reached (without `offlineOk`).
 * @throws {ConfigError} when `registerModel` is set on a store without a registry.
 */
export async function openSession(config: TrainingConfig, log?: Logger): Promise<TrackingSession> {
  const m = config.mlflow;
  const store = await openTrackingStore({
    trackingUri: m.trackingUri,
    token: m.token,
    username: m.username,
    password: m.password,
    onRetry: (message) => log?.warn(message),
  });
  try {
    await store.findExperiment(m.experimentName); // reaches the server before any work
  } catch (error) {
    if (!(error instanceof EnvironmentError) || !m.offlineOk) throw error;
    log?.warn(`${error.message}; tracking to ${DEFAULT_TRACKING_URI} (offline)`);
    const local = await openTrackingStore({ trackingUri: DEFAULT_TRACKING_URI });
    return { store: local, offline: { from: store.where, to: local.where } };
  }
  if (m.registerModel && !store.registry) throw noRegistry(store.where);
  return { store };
}
