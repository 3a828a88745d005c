/**
 * Request bodies read within limits: a declared `Content-Length` over the limit is refused before
 * a byte is read; a chunked (or understated) body is counted as it streams and cancelled once
 * over; a body that has not fully arrived within the time limit is cancelled too. Either way the
 * request is refused with one line (413 or 408) and at most the limit is ever buffered.
 *
 * @module
 */

import { RequestError } from "./score_request.ts";

/** How much body to take, and for how long. */
export interface BodyLimits {
  /** The largest body, bytes. */
  readonly maxBodyBytes: number;
  /** Time for the whole body to arrive, ms. */
  readonly bodyTimeoutMs: number;
}

/** A refusal after which the rest of the body is not read (the connection closes). */
const refusal = (status: number, line: string) =>
  new RequestError([line], { status, error: line, closesConnection: true });

const tooLarge = (max: number) => refusal(413, `request body over ${max} bytes`);

/**
 * The body's bytes.
 *
 * @throws {RequestError} 413 for a body over `maxBodyBytes`, 408 for one not received within
 * `bodyTimeoutMs`, 400 for one that could not be read (the client went away).
 */
export async function readBody(req: Request, limits: BodyLimits): Promise<Uint8Array> {
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > limits.maxBodyBytes) {
    req.body?.cancel().catch(() => {});
    throw tooLarge(limits.maxBodyBytes);
  }
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0, timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(refusal(408, `request body not received within ${limits.bodyTimeoutMs} ms`));
    }, limits.bodyTimeoutMs);
  });
  try {
    for (let r; !(r = await Promise.race([reader.read(), late])).done;) {
      size += r.value.length;
      if (size > limits.maxBodyBytes) throw tooLarge(limits.maxBodyBytes);
      chunks.push(r.value);
    }
  } catch (error) {
    reader.cancel().catch(() => {});
    if (error instanceof RequestError) throw error;
    throw refusal(400, `body: could not be read (${String(error).split("\n")[0]})`);
  } finally {
    clearTimeout(timer);
  }
  const out = new Uint8Array(size);
  for (let at = 0, i = 0; i < chunks.length; at += chunks[i]!.length, i++) out.set(chunks[i]!, at);
  return out;
}

/**
 * The body as JSON (invalid UTF-8 read as U+FFFD, as `Request.json` does).
 *
 * @throws {RequestError} as {@link readBody}, and 400 `body: not JSON`.
 */
export async function readJson(req: Request, limits: BodyLimits): Promise<unknown> {
  const text = new TextDecoder().decode(await readBody(req, limits));
  try {
    return JSON.parse(text);
  } catch {
    throw new RequestError(["body: not JSON"]);
  }
}
