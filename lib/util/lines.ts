/**
 * A text stream as its non-blank lines, for reading a child process's line-by-line output.
 *
 * @module
 */

/**
 * Splits a text stream into its lines, dropping blank ones (a last line without a newline too).
 *
 * @example A child's stdout, line by line
 * ```ts
 * import { textLines } from "./lines.ts";
 * const out = ReadableStream.from(["a\nb", "\n\nc"]).pipeThrough(textLines());
 * const seen: string[] = [];
 * for await (const line of out) seen.push(line); // ["a", "b", "c"]
 * ```
 */
export function textLines(): TransformStream<string, string> {
  let rest = "";
  return new TransformStream({
    transform(chunk, out) {
      const parts = (rest + chunk).split("\n");
      rest = parts.pop()!;
      for (const p of parts) if (p.trim()) out.enqueue(p);
    },
    flush(out) {
      if (rest.trim()) out.enqueue(rest);
    },
  });
}
