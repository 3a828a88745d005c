/**
 * Secrets out of URIs, for every message, log line, param and artifact that names a store.
 *
 * @module
 */

/**
 * A URI without its secrets: user info (`http://user:pass@host` → `http://***@host`) and the
 * values of query parameters that carry credentials (`token`, `password`, `key`, `secret`, …).
 *
 * @example A password in a tracking URI
 * ```ts
 * import { redactUri } from "./redact_uri.ts";
 * redactUri("http://alice:s3cret@mlflow:5000"); // "http://***@mlflow:5000"
 * ```
 */
export function redactUri(uri: string): string {
  return uri.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, "$1***@").replace(
    /([?&](?:[^=&#]*(?:token|password|passwd|pwd|secret|key|auth|credential)[^=&#]*)=)[^&#]*/gi,
    "$1***",
  );
}
