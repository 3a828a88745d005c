/**
 * The Parquet reader's decoding workers, kept between reads: starting a worker costs tens of
 * milliseconds and its first pages run unoptimized, so a worker that answered cleanly waits for
 * the next read, unreferenced (an idle worker never keeps the process alive). A worker that
 * failed, or that loaded the general decoder (whose memory only the worker's end returns), ends.
 *
 * @module
 */

import { Worker } from "node:worker_threads";
import type { Decoded, DecodeJob, DecodeReply } from "./_parquet_worker.ts";

/** Most idle workers kept. */
const KEEP = 4;
const idle: Worker[] = [];
const url = new URL("./_parquet_worker.ts", import.meta.url);

/** Runs `job` on an idle worker (or a new one) and returns its columns. */
export async function decodeOnWorker(job: DecodeJob): Promise<readonly Decoded[]> {
  const worker = idle.pop() ?? new Worker(url);
  worker.ref();
  let reusable = false;
  try {
    const reply = await answer(worker, job);
    if ("error" in reply) throw new Error(reply.error);
    reusable = !reply.general && idle.length < KEEP;
    return reply.columns;
  } finally {
    if (reusable) {
      worker.unref();
      idle.push(worker);
    } else void worker.terminate();
  }
}

function answer(worker: Worker, job: DecodeJob): Promise<DecodeReply> {
  return new Promise((resolve, reject) => {
    const done = () => {
      worker.off("message", onMessage).off("error", onError).off("exit", onExit);
      worker.off("messageerror", onMessageError);
    };
    const onMessage = (reply: DecodeReply) => (done(), resolve(reply));
    // A decoder panic ends the worker: this read fails, the process goes on.
    const onError = (error: unknown) => (done(), reject(failure(error)));
    const onExit = (code: number) => (done(), reject(failure(`the worker ended (${code})`)));
    const onMessageError = () => (done(), reject(new Error("the decoded columns were lost")));
    worker.on("message", onMessage).on("error", onError).on("exit", onExit);
    worker.on("messageerror", onMessageError);
    worker.postMessage(job);
  });
}

function failure(why: unknown): Error {
  return new Error(`the decoder failed: ${why instanceof Error ? why.message : String(why)}`);
}
