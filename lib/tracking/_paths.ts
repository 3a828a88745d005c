/**
 * `file:` URL conversions for absolute paths.
 *
 * @module
 */

import { fileURLToPath, pathToFileURL } from "node:url";

/** `file:///abs/path` for an absolute path. */
export function toFileUrl(path: string): string {
  return pathToFileURL(path).href;
}

/** The absolute path of a `file:` URL. */
export function fromFileUrl(url: string): string {
  return fileURLToPath(url);
}
