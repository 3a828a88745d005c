/**
 * The model registry of an MLflow server: versions (waiting for READY), aliases and tags.
 *
 * @module
 */

import { EnvironmentError, NotFoundError, ServiceUnreachableError } from "../errors.ts";
import { isMissing, MlflowApiError, type RestClient } from "./_rest_client.ts";
import type { ModelRegistry, ModelVersion, NewModelVersion } from "./store.ts";

interface ApiVersion {
  name: string;
  version: string;
  source: string;
  run_id?: string;
  status: string;
  status_message?: string;
  aliases?: string[];
  tags?: Array<{ key: string; value: string }>;
  creation_timestamp: number | string;
}

/** The tag that makes a version's registration findable (one token per registration). */
const REGISTRATION_TAG = "registration_token";

/** How long a new version may stay PENDING_REGISTRATION. */
const READY_TIMEOUT_MS = 120_000;

/** The registry of one server. */
export class RestRegistry implements ModelRegistry {
  readonly #api: RestClient;

  constructor(api: RestClient) {
    this.#api = api;
  }

  async createModelVersion(v: NewModelVersion): Promise<ModelVersion> {
    try {
      await this.#api.get("registered-models/get", { name: v.name });
    } catch (error) {
      if (!isMissing(error)) throw error;
      await this.#api.post("registered-models/create", { name: v.name }).catch((e) => {
        if (!String(e.message).includes("RESOURCE_ALREADY_EXISTS")) throw e;
      });
    }
    // A token tag finds the version a failed attempt made (its reply lost), so none is made twice.
    const token = crypto.randomUUID();
    const tags = { ...v.tags, [REGISTRATION_TAG]: token };
    const made = await this.#api.post<{ model_version: ApiVersion }>("model-versions/create", {
      name: v.name,
      source: v.source,
      run_id: v.runId,
      ...(v.description ? { description: v.description } : {}),
      tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
    }, { recover: () => this.#madeWith(v, token) });
    const version = made.model_version.version;
    try {
      return await this.#ready(v.name, version);
    } catch (error) {
      if (!(error instanceof ServiceUnreachableError)) throw error;
      throw new ServiceUnreachableError(
        `version ${version} of "${v.name}" was created (run ${v.runId}), but ${error.message}`,
        { cause: error },
      );
    }
  }

  /** The version of `v`'s run carrying `token`, if an attempt made one. */
  async #madeWith(
    v: NewModelVersion,
    token: string,
  ): Promise<{ model_version: ApiVersion } | undefined> {
    const r = await this.#api.get<{ model_versions?: ApiVersion[] }>("model-versions/search", {
      filter: `name='${v.name.replaceAll("'", "\\'")}' and run_id='${v.runId}'`,
      max_results: "1000",
    });
    const found = (r.model_versions ?? []).find((mv) =>
      (mv.tags ?? []).some((t) => t.key === REGISTRATION_TAG && t.value === token)
    );
    return found ? { model_version: found } : undefined;
  }

  /** Waits until the version leaves PENDING_REGISTRATION; a failed one is deleted. */
  async #ready(name: string, version: string): Promise<ModelVersion> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (let wait = 100;; wait = Math.min(wait * 2, 2000)) {
      const mv = await this.getModelVersion(name, version);
      if (mv.status === "READY") return mv;
      if (mv.status === "FAILED_REGISTRATION" || Date.now() > deadline) {
        await this.deleteModelVersion(name, version).catch(() => {});
        throw new EnvironmentError(
          `registering version ${version} of "${name}" ended ${mv.status}; the version was deleted`,
        );
      }
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  async getModelVersion(name: string, version: string): Promise<ModelVersion> {
    try {
      const r = await this.#api.get<{ model_version: ApiVersion }>("model-versions/get", {
        name,
        version,
      });
      return toVersion(r.model_version);
    } catch (error) {
      if (isMissing(error)) {
        throw new NotFoundError(`no version ${version} of registered model "${name}"`);
      }
      throw error;
    }
  }

  async getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    try {
      const r = await this.#api.get<{ model_version: ApiVersion }>("registered-models/alias", {
        name,
        alias,
      });
      return toVersion(r.model_version);
    } catch (error) {
      if (isMissing(error) || isMissingAlias(error)) {
        throw new NotFoundError(`registered model "${name}" has no alias "${alias}"`);
      }
      throw error;
    }
  }

  async setAlias(name: string, alias: string, version: string): Promise<void> {
    await this.#api.post("registered-models/alias", { name, alias, version });
  }

  async setModelVersionTags(
    name: string,
    version: string,
    tags: Readonly<Record<string, string>>,
  ): Promise<void> {
    for (const [key, value] of Object.entries(tags)) {
      await this.#api.post("model-versions/set-tag", { name, version, key, value });
    }
  }

  async listModelVersions(name: string): Promise<ModelVersion[]> {
    const r = await this.#api.get<{ model_versions?: ApiVersion[] }>("model-versions/search", {
      filter: `name='${name.replaceAll("'", "\\'")}'`,
      max_results: "10000",
    });
    return (r.model_versions ?? []).map(toVersion).sort((a, b) =>
      Number(b.version) - Number(a.version)
    );
  }

  async deleteModelVersion(name: string, version: string): Promise<void> {
    await this.#api.post("model-versions/delete", { name, version }, { method: "DELETE" })
      .catch((error) => {
        if (!isMissing(error)) throw error; // a replayed delete finds it gone
      });
  }
}

/**
 * MLflow (3.17) answers an alias a model does not have with `INVALID_PARAMETER_VALUE` ("Registered
 * model alias … not found"), not `RESOURCE_DOES_NOT_EXIST`; the message is all that tells it.
 */
function isMissingAlias(error: unknown): boolean {
  return error instanceof MlflowApiError && error.code === "INVALID_PARAMETER_VALUE" &&
    /alias \S+ not found/i.test(error.message);
}

function toVersion(v: ApiVersion): ModelVersion {
  return {
    name: v.name,
    version: String(v.version),
    source: v.source,
    runId: v.run_id ?? "",
    status: v.status,
    aliases: v.aliases ?? [],
    tags: Object.fromEntries((v.tags ?? []).map((t) => [t.key, t.value])),
    creationTime: Number(v.creation_timestamp),
  };
}
