/**
 * The tracking store a URI names, as MLflow reads tracking URIs: `sqlite:///…` (MLflow's own
 * database, the embedded default), `http(s)://…` (a tracking server's REST API), or a path /
 * `file:` URI (the file store).
 *
 * @module
 */

import { ConfigError } from "../errors.ts";
import { FileStore } from "./file_store.ts";
import { RestStore } from "./rest_store.ts";
import { SqliteStore } from "./sqlite_store.ts";
import type { TrackingStore } from "./store.ts";

/** The embedded default, as MLflow 3.17 uses it with no tracking URI set. */
export const DEFAULT_TRACKING_URI = "sqlite:///mlflow.db";

/** How to open a store: the URI and, for servers, credentials and retry reports. */
export interface StoreSettings {
  readonly trackingUri: string;
  /** Secret: a bearer token for the server. */
  readonly token?: string | undefined;
  readonly username?: string | undefined;
  /** Secret. */
  readonly password?: string | undefined;
  /** Told about each retry of a server call. */
  readonly onRetry?: (message: string) => void;
}

/**
 * Opens the store `settings.trackingUri` names.
 *
 * @throws {ConfigError} for a URI scheme no backend serves (e.g. `databricks`, `postgresql`).
 * @example The store a tracking URI names
 * ```ts
 * import { openTrackingStore } from "./open_store.ts";
 * // sqlite:///… an MLflow database, http(s)://… a tracking server, else a folder such as ./mlruns
 * const store = await openTrackingStore({ trackingUri: "sqlite:///mlflow.db" });
 * await store.experimentId("fraud-detection"); // its id, the experiment created if missing
 * await store.close();
 * ```
 */
export async function openTrackingStore(settings: StoreSettings): Promise<TrackingStore> {
  const uri = settings.trackingUri;
  if (uri.startsWith("sqlite:")) return await SqliteStore.open(uri);
  if (/^https?:\/\//.test(uri)) {
    return new RestStore({
      baseUrl: uri,
      ...(settings.token ? { token: settings.token } : {}),
      ...(settings.username !== undefined ? { username: settings.username } : {}),
      ...(settings.password !== undefined ? { password: settings.password } : {}),
      ...(settings.onRetry ? { onRetry: settings.onRetry } : {}),
    });
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(uri) && !uri.startsWith("file:")) {
    throw new ConfigError([
      `mlflow.trackingUri: ${uri.split(":")[0]} stores are not supported; use sqlite:///<path>, ` +
      `http(s)://<server> or a path`,
    ]);
  }
  return new FileStore(uri);
}
