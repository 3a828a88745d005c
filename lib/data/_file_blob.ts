/**
 * A file as the `Blob` the Parquet decoder reads byte ranges of (`size`, `slice`, `arrayBuffer`):
 * each range is read from disk when asked, so the file is never held whole in memory — the
 * decoder asks for the footer, then for the column chunks of one row group at a time.
 *
 * @module
 */

/** A byte range of an open file, read on demand; {@link FileBlob.close} closes the file. */
export class FileBlob {
  readonly #file: Deno.FsFile;
  readonly #start: number;
  /** Bytes in the range. */
  readonly size: number;

  private constructor(file: Deno.FsFile, start: number, size: number) {
    this.#file = file;
    this.#start = start;
    this.size = size;
  }

  /** The whole file at `path`. */
  static open(path: string): FileBlob {
    const file = Deno.openSync(path);
    return new FileBlob(file, 0, file.statSync().size);
  }

  /** Bytes [start, end) of this range, as `Blob.slice` counts them (negative from the end). */
  slice(start = 0, end = this.size): FileBlob {
    const at = (i: number) => Math.min(this.size, Math.max(0, i < 0 ? this.size + i : i));
    const from = at(start);
    return new FileBlob(this.#file, this.#start + from, Math.max(0, at(end) - from));
  }

  /** The range's bytes (a synchronous positioned read: slices never interleave). */
  arrayBuffer(): Promise<ArrayBuffer> {
    const out = new Uint8Array(this.size);
    try {
      this.readInto(out);
    } catch (error) {
      return Promise.reject(error);
    }
    return Promise.resolve(out.buffer);
  }

  /** Reads the range into `out` (its length must be the range's size). */
  readInto(out: Uint8Array): void {
    this.#file.seekSync(this.#start, Deno.SeekMode.Start);
    for (let got = 0; got < out.length;) {
      const n = this.#file.readSync(out.subarray(got));
      if (n === null) throw new RangeError("the file ended before the range");
      got += n;
    }
  }

  /** Closes the file (every slice shares it). */
  close(): void {
    this.#file.close();
  }
}
