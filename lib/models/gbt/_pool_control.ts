/**
 * The shared control words of the {@link ThreadPool} and its workers: word 0 is the round's
 * sequence number ({@link CLOSE} stops the workers); each worker w has a job-list length, the
 * last round it finished and that round's status; its job list sits in its own slot of a shared
 * float64 array.
 *
 * @module
 */

/** Float64 job words per worker slot (512 KiB). */
export const JOB_CAPACITY = 1 << 16;
/** Word 0 set to this stops the workers. */
export const CLOSE = -1;
/** A round that threw. */
export const STATUS_FAILED = 1;

/** Index of worker w's job-list length. */
export const lengthAt = (w: number): number => 1 + 4 * w;
/** Index of the last round worker w finished. */
export const doneAt = (w: number): number => 2 + 4 * w;
/** Index of worker w's status for that round (0 ok). */
export const statusAt = (w: number): number => 3 + 4 * w;
/** Worker w's job slot. */
export const jobsAt = (jobs: Float64Array, w: number): Float64Array =>
  jobs.subarray(w * JOB_CAPACITY, (w + 1) * JOB_CAPACITY);
