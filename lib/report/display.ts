/**
 * Results that show themselves in Jupyter: the display hook the Deno kernel looks for, added to
 * plain result objects without changing what they hold.
 *
 * @module
 */

/** The key the Deno Jupyter kernel calls to display a value (`Symbol.for("Jupyter.display")`). */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display");

/** A value that displays itself in Jupyter as the MIME bundle its hook returns. */
export interface Displayable {
  [JUPYTER_DISPLAY](): Record<string, unknown> | Promise<Record<string, unknown>>;
}

/**
 * `value` itself, given a display hook that renders `html(value)` as `text/html`. The hook is
 * not enumerable: spreading, `JSON.stringify` and `Object.keys` see the value as it was.
 *
 * @example Make a plain result show as a table in a notebook
 * ```ts
 * import { type Displayable, JUPYTER_DISPLAY, withDisplay } from "./display.ts";
 * const result = withDisplay({ auc: 0.91 }, (r) => `<b>AUC ${r.auc}</b>`);
 * (result as typeof result & Displayable)[JUPYTER_DISPLAY]();
 * // → { "text/html": "<b>AUC 0.91</b>" }
 * ```
 */
export function withDisplay<T extends object>(value: T, html: (value: T) => string): T {
  Object.defineProperty(value, JUPYTER_DISPLAY, {
    value: () => ({ "text/html": html(value) }),
    enumerable: false,
    configurable: true,
  });
  return value;
}
