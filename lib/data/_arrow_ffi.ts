/**
 * The Arrow C Data Interface structs (`ArrowSchema`, `ArrowArray`) as a 32-bit WebAssembly
 * module lays them out in its memory: pointers are 4 bytes, counts 8, each struct 8-aligned.
 * Read only, so column buffers are copied straight out of the decoder's memory, never serialized.
 *
 * @module
 */

/** A field of a record batch: its name and Arrow format string (`g` float64, `u` utf8, …). */
export interface ArrowField {
  readonly name: string;
  readonly format: string;
  /** The dictionary's value format when the column is dictionary-encoded (`format` = indices). */
  readonly dictionary?: string;
}

/** One `ArrowArray`: lengths, buffer addresses (0 = absent) and child / dictionary addresses. */
export interface ArrowArray {
  readonly length: number;
  readonly nullCount: number;
  readonly offset: number;
  readonly buffers: readonly number[];
  readonly children: readonly number[];
  /** Address of the dictionary's `ArrowArray`, 0 when not dictionary-encoded. */
  readonly dictionary: number;
}

const decoder = new TextDecoder();

function cString(memory: ArrayBufferLike, at: number): string {
  const bytes = new Uint8Array(memory);
  let end = at;
  while (bytes[end] !== 0) end++;
  return decoder.decode(bytes.subarray(at, end));
}

function pointers(view: DataView, at: number, n: number): number[] {
  return Array.from({ length: n }, (_, k) => view.getUint32(at + 4 * k, true));
}

/** The fields of a struct `ArrowSchema` (a record batch's schema) at `at`. */
export function schemaFields(memory: ArrayBufferLike, at: number): ArrowField[] {
  const view = new DataView(memory);
  const children = pointers(view, view.getUint32(at + 32, true), count(view, at + 24));
  return children.map((child) => {
    const dictionary = view.getUint32(child + 36, true);
    const field = {
      name: cString(memory, view.getUint32(child + 4, true)),
      format: cString(memory, view.getUint32(child, true)),
    };
    return dictionary
      ? { ...field, dictionary: cString(memory, view.getUint32(dictionary, true)) }
      : field;
  });
}

/** The `ArrowArray` at `at`. */
export function arrowArray(memory: ArrayBufferLike, at: number): ArrowArray {
  const view = new DataView(memory);
  return {
    length: count(view, at),
    nullCount: count(view, at + 8),
    offset: count(view, at + 16),
    buffers: pointers(view, view.getUint32(at + 40, true), count(view, at + 24)),
    children: pointers(view, view.getUint32(at + 44, true), count(view, at + 32)),
    dictionary: view.getUint32(at + 48, true),
  };
}

function count(view: DataView, at: number): number {
  return Number(view.getBigInt64(at, true));
}
