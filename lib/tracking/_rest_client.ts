/**
 * A small typed HTTP client for an MLflow tracking server: JSON calls to `/api/2.0/mlflow/…`,
 * bytes to and from the proxied artifact API, auth from the environment (a bearer token, or basic
 * user and password; never logged), and bounded retries with backoff on connection errors, 429
 * and 5xx replies. A call that creates is not blindly retried: its `recover` looks up what the
 * failed attempt may have done (its reply lost on the way back) and that is reused.
 *
 * @module
 */

import { EnvironmentError, ServiceUnreachableError } from "../errors.ts";
import { redactUri } from "../util/redact_uri.ts";

/** How to reach the server. */
export interface RestSettings {
  /** `http(s)://host:port[/prefix]`. */
  readonly baseUrl: string;
  /** `MLFLOW_TRACKING_TOKEN` (sent as a bearer token). */
  readonly token?: string;
  /** `MLFLOW_TRACKING_USERNAME` / `PASSWORD` (basic auth). */
  readonly username?: string;
  readonly password?: string;
  /** Attempts per request, retries included. @default 5 */
  readonly attempts?: number;
  /** First backoff, ms (doubling). @default 250 */
  readonly backoffMs?: number;
  /** Told about each retry (for the run's log). */
  readonly onRetry?: (message: string) => void;
}

/** What a lookup found of a failed create's object. */
type Lookup = "found" | "absent" | "unknown";

/** Options of {@link RestClient.post}. */
export interface PostOptions<T> {
  /** The HTTP method. @default "POST" */
  readonly method?: string;
  /** Looks up what a failed attempt made (undefined: nothing, so retry). */
  readonly recover?: () => Promise<T | undefined>;
}

/** An MLflow error reply (`RESOURCE_DOES_NOT_EXIST`, `INVALID_PARAMETER_VALUE`, …). */
export class MlflowApiError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(message: string, reply: { code: string; status: number }) {
    super(message);
    this.name = "MlflowApiError";
    this.code = reply.code;
    this.status = reply.status;
  }
}

/** The client. */
export class RestClient {
  readonly #s: RestSettings;
  readonly #base: string;

  constructor(settings: RestSettings) {
    this.#s = settings;
    this.#base = settings.baseUrl.replace(/\/+$/, "");
  }

  /** The server, without credentials. */
  get where(): string {
    return redactUri(this.#base).replace("//***@", "//");
  }

  /** GET `/api/2.0/mlflow/<path>` with query parameters. */
  get<T>(path: string, query: Readonly<Record<string, string>> = {}): Promise<T> {
    const q = new URLSearchParams(query).toString();
    return this.#json<T>("GET", `/api/2.0/mlflow/${path}${q ? `?${q}` : ""}`);
  }

  /**
   * POST (or another method) JSON to `/api/2.0/mlflow/<path>`. With `recover` (for a call that
   * creates), a failed attempt is followed by `recover()` before any retry: what it finds (the
   * object the attempt made) is returned instead of creating a second one.
   */
  post<T>(path: string, body: unknown, options: PostOptions<T> = {}): Promise<T> {
    return this.#json<T>(options.method ?? "POST", `/api/2.0/mlflow/${path}`, {
      body: JSON.stringify(body),
      ...(options.recover ? { recover: options.recover } : {}),
    });
  }

  /** Uploads bytes to the proxied artifact store (`mlflow-artifacts:/<path>`). */
  async putArtifact(path: string, data: Uint8Array): Promise<void> {
    await this.#send("PUT", artifactUrl(path), { body: data });
  }

  /** Downloads bytes from the proxied artifact store. */
  async getArtifact(path: string): Promise<Uint8Array> {
    const r = await this.#send("GET", artifactUrl(path));
    return new Uint8Array(await r!.arrayBuffer());
  }

  /** Lists a folder of the proxied artifact store. */
  async listArtifacts(path: string): Promise<Array<{ path: string; is_dir?: boolean }>> {
    const r = await this.#send(
      "GET",
      `/api/2.0/mlflow-artifacts/artifacts?path=${encodeURIComponent(path)}`,
    );
    return ((await r!.json()) as { files?: Array<{ path: string; is_dir?: boolean }> }).files ??
      [];
  }

  async #json<T>(
    method: string,
    path: string,
    request: { body?: string; recover?: () => Promise<T | undefined> } = {},
  ): Promise<T> {
    let found: T | undefined;
    const lookup = request.recover
      ? async (): Promise<Lookup> => {
        try {
          found = await request.recover!();
          return found === undefined ? "absent" : "found";
        } catch {
          return "unknown"; // not "absent": a create is sent again only when it surely made nothing
        }
      }
      : undefined;
    const r = await this.#send(method, path, {
      ...(request.body !== undefined ? { body: request.body } : {}),
      ...(lookup ? { lookup } : {}),
    });
    if (!r) return found as T;
    const text = await r.text();
    try {
      return (text ? JSON.parse(text) : {}) as T;
    } catch (cause) {
      throw new EnvironmentError(
        `${this.where} answered ${method} ${path.split("?")[0]} with something that is not ` +
          `MLflow's JSON (${JSON.stringify(text.slice(0, 40))}…): is it an MLflow tracking server?`,
        { cause },
      );
    }
  }

  /**
   * Sends with retries; undefined only when `lookup` (given for creates) found what a failed
   * attempt made. After a create's attempt fails, it is sent again only once `lookup` has
   * answered that the attempt made nothing; a lookup that fails is tried again, not the create.
   */
  async #send(
    method: string,
    path: string,
    { body, lookup }: { body?: string | Uint8Array; lookup?: () => Promise<Lookup> } = {},
  ): Promise<Response | undefined> {
    const what = `${method} ${path.split("?")[0]}`;
    const attempts = this.#s.attempts ?? 5;
    let look = false, failure = "";
    for (let attempt = 1;; attempt++) {
      const state = look ? await lookup!() : "absent";
      if (state === "found") {
        this.#s.onRetry?.(`MLflow ${what}: the failed attempt had made it; reusing it`);
        return undefined;
      }
      if (state === "absent") {
        const sent = await this.#attempt(method, path, { body, creates: lookup !== undefined });
        if (sent instanceof Response) return sent;
        [failure, look] = [sent, lookup !== undefined];
      } else failure = "could not look up what the failed attempt made";
      if (attempt >= attempts) {
        if (look && await lookup!() === "found") return undefined;
        throw new ServiceUnreachableError(
          `cannot reach the MLflow server ${this.where}: ${failure} (${what}, ${attempts} attempts` +
            `${look ? "; the last may have gone through" : ""})`,
        );
      }
      const wait = (this.#s.backoffMs ?? 250) * 2 ** (attempt - 1);
      this.#s.onRetry?.(`MLflow ${what}: ${failure}; retry ${attempt} in ${wait} ms`);
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  /** One request: the reply, or why it failed (connection error, 429, 5xx); other errors throw. */
  async #attempt(
    method: string,
    path: string,
    { body, creates }: { body: string | Uint8Array | undefined; creates: boolean },
  ): Promise<Response | string> {
    try {
      const reply = await fetch(this.#base + path, {
        method,
        headers: this.#headers(body),
        body: body === undefined ? null : typeof body === "string" ? body : body as BodyInit,
        // A create goes on a connection of its own: on a pooled one that the server closes, the
        // HTTP client would send it again by itself, past the lookup.
        ...(creates ? { client: unpooled() } : {}),
      });
      if (reply.ok) return reply;
      if (reply.status < 500 && reply.status !== 429) {
        throw await apiError(reply, `${method} ${path}`);
      }
      await reply.body?.cancel();
      return `HTTP ${reply.status}`;
    } catch (error) {
      if (error instanceof MlflowApiError || error instanceof EnvironmentError) throw error;
      if (error instanceof Deno.errors.NotCapable) {
        // A permission the process lacks: no retry can grant it.
        throw new EnvironmentError(
          `cannot reach the MLflow server ${this.where}: network access is not permitted ` +
            `(${(error as Error).message.split("\n")[0]})`,
          { cause: error },
        );
      }
      return (error as Error).message;
    }
  }

  #headers(body?: string | Uint8Array): Headers {
    const h = new Headers();
    if (typeof body === "string") h.set("Content-Type", "application/json");
    if (this.#s.token) h.set("Authorization", `Bearer ${this.#s.token}`);
    else if (this.#s.username !== undefined) {
      h.set("Authorization", `Basic ${btoa(`${this.#s.username}:${this.#s.password ?? ""}`)}`);
    }
    return h;
  }
}

let unpooledClient: Deno.HttpClient | undefined;

/** An HTTP client that keeps no idle connection (so never replays a request by itself). */
function unpooled(): Deno.HttpClient {
  return unpooledClient ??= Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
}

/** `mlflow-artifacts:/a/b` (or `a/b`) → the proxied artifact API's URL path. */
function artifactUrl(path: string): string {
  const rel = path.replace(/^mlflow-artifacts:\/*/, "").replace(/^\/+/, "");
  return `/api/2.0/mlflow-artifacts/artifacts/${rel.split("/").map(encodeURIComponent).join("/")}`;
}

async function apiError(reply: Response, what: string): Promise<Error> {
  let code = `HTTP_${reply.status}`, message = reply.statusText;
  try {
    const body = await reply.json() as { error_code?: string; message?: string };
    code = body.error_code ?? code;
    message = body.message ?? message;
  } catch { /* not JSON */ }
  if (reply.status === 401 || reply.status === 403) {
    return new EnvironmentError(`the MLflow server refused ${what}: ${reply.status} ${message}`);
  }
  return code === "RESOURCE_DOES_NOT_EXIST"
    ? new MlflowApiError(message, { code, status: reply.status })
    : new MlflowApiError(`${what}: ${code}: ${message}`, { code, status: reply.status });
}

/** True for a "does not exist" reply. */
export function isMissing(error: unknown): boolean {
  return error instanceof MlflowApiError && error.code === "RESOURCE_DOES_NOT_EXIST";
}
