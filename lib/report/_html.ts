/**
 * The one HTML escape of the report views.
 *
 * @module
 */

/** `text` with `&`, `<`, `>` and `"` written as HTML entities. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"]/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!,
  );
}
