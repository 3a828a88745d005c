/**
 * The shared control words of the {@link ThreadPool} and its workers. Each worker w has four
 * words: the round it is asked to run (its own sequence number, so a round wakes only the
 * workers that have jobs; {@link CLOSE} stops it), its job-list length, the last round it
 * finished and that round's status; its job list sits in its own slot of a shared float64 array.
 *
 * @module
 */

/** Float64 job words per worker slot (512 KiB). */
export const JOB_CAPACITY = 1 << 16;
/** A worker's sequence word set to this stops it. */
export const CLOSE = -1;
/** A round that threw. */
export const STATUS_FAILED = 1;
/**
 * Milliseconds a worker polls its sequence word for the next round before it sleeps. A sleeping
 * vCPU here took ~100–400 µs to wake (measured: 3,300 rounds of a 100k-row model waited
 * 0.46–0.92 s in all when workers slept at once, 0.24–0.31 s when they polled 2 ms first; whole
 * fits 3.8–4.4 s vs 3.3–3.7 s, alternating).
 */
export const SPIN_MS = 2;
/** Int32 control words per worker. */
export const WORDS_PER_WORKER = 4;

/** Index of worker w's sequence number (the round it is asked to run). */
export const seqAt = (w: number): number => WORDS_PER_WORKER * w;
/** Index of worker w's job-list length. */
export const lengthAt = (w: number): number => WORDS_PER_WORKER * w + 1;
/** Index of the last round worker w finished. */
export const doneAt = (w: number): number => WORDS_PER_WORKER * w + 2;
/** Index of worker w's status for that round (0 ok). */
export const statusAt = (w: number): number => WORDS_PER_WORKER * w + 3;
/**
 * Polls `ctl[at]` while it holds `until.value`: at most `until.polls` times, and no later than
 * `until.time` (a `performance.now()`, read every 1,024 polls); returns the word last read. A
 * small function of its own so that the engine's optimizing compile of a hot poll is of these
 * lines only: inside the pool's loops it recompiled those whole (25 ms of a fresh process's
 * compile time).
 */
export function pollWhile(
  ctl: Int32Array,
  at: number,
  until: { value: number; polls: number; time: number },
): number {
  let seen = Atomics.load(ctl, at);
  for (let s = 1; seen === until.value && s < until.polls; s++) {
    if ((s & 1023) === 0 && performance.now() > until.time) break;
    seen = Atomics.load(ctl, at);
  }
  return seen;
}

/** Worker w's job slot. */
export const jobsAt = (jobs: Float64Array, w: number): Float64Array =>
  jobs.subarray(w * JOB_CAPACITY, (w + 1) * JOB_CAPACITY);
