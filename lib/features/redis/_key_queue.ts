/**
 * The keys a pass's SCAN has found and its reader not yet read: the scan adds pages, the reader
 * takes batches, each side waiting on the other (the reader for keys, the scan for room: it runs
 * at most `limit` keys ahead).
 *
 * @module
 */

/** Keys found and not yet read, and whether the scan has ended (or failed). */
export class KeyQueue {
  readonly #limit: number;
  #keys: Uint8Array[] = [];
  #head = 0;
  /** The scan has handed over its last page. */
  done = false;
  /** Why the scan failed, if it did. */
  error: unknown = undefined;
  /** The reader is done (or failed): the scan should stop. */
  stopped = false;
  #wakeReader: (() => void) | undefined;
  #wakeScan: (() => void) | undefined;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Keys waiting. */
  get size(): number {
    return this.#keys.length - this.#head;
  }

  /** Adds a page's keys (`last`: the scan's final page). */
  add(keys: readonly Uint8Array[], last: boolean): void {
    for (const k of keys) this.#keys.push(k);
    this.done = last;
    this.#wakeReader = wake(this.#wakeReader);
  }

  /** Ends the scan with an error (the reader throws it). */
  fail(e: unknown): void {
    this.error = e;
    this.#wakeReader = wake(this.#wakeReader);
  }

  /** Tells the scan to stop. */
  stop(): void {
    this.stopped = true;
    this.#wakeScan = wake(this.#wakeScan);
  }

  /** Whether a batch of `n` can be taken (fewer once the scan has ended). */
  ready(n: number): boolean {
    return this.size >= n || (this.done && this.size > 0);
  }

  /** Takes up to `n` keys, oldest first. */
  take(n: number): Uint8Array[] {
    const out = this.#keys.slice(this.#head, this.#head + n);
    this.#head += out.length;
    if (this.#head > 4096 && this.#head * 2 > this.#keys.length) {
      this.#keys = this.#keys.slice(this.#head);
      this.#head = 0;
    }
    if (this.size < this.#limit) this.#wakeScan = wake(this.#wakeScan);
    return out;
  }

  /** Resolves when keys arrive or the scan ends. */
  more(): Promise<void> {
    return new Promise((resolve) => (this.#wakeReader = resolve));
  }

  /** Resolves at once while there is room for more keys, else once there is (or on stop). */
  room(): Promise<void> {
    if (this.size < this.#limit || this.stopped) return Promise.resolve();
    return new Promise((resolve) => (this.#wakeScan = resolve));
  }
}

/** Calls a waiting side's resolver, if one waits (returns the empty slot). */
function wake(resolve: (() => void) | undefined): undefined {
  resolve?.();
  return undefined;
}
