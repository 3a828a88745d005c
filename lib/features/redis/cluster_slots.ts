/**
 * Redis Cluster key routing for the lean writer: a key's hash slot (CRC16/XMODEM of the key, or
 * of its `{hash tag}`, mod 16384, as the Redis Cluster specification defines it) and which master
 * serves each slot (from `CLUSTER SLOTS`).
 *
 * @module
 */

import type { Cluster } from "ioredis";

const TABLE = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 8;
    for (let k = 0; k < 8; k++) c = c & 0x8000 ? (c << 1) ^ 0x1021 : c << 1;
    t[i] = c & 0xffff;
  }
  return t;
})();

function crc16(b: Uint8Array, from: number, to: number): number {
  let c = 0;
  for (let i = from; i < to; i++) c = ((c << 8) & 0xffff) ^ TABLE[((c >> 8) ^ b[i]!) & 0xff]!;
  return c;
}

/** The hash slot of `key`: only the part inside the first non-empty `{…}` counts, if any. */
export function keySlot(key: Uint8Array): number {
  const open = key.indexOf(123); // {
  if (open >= 0) {
    const close = key.indexOf(125, open + 1); // }
    if (close > open + 1) return crc16(key, open + 1, close) & 16383;
  }
  return crc16(key, 0, key.length) & 16383;
}

/** A master and the slots it serves. */
export interface SlotMap {
  /** `{ host, port }` of each master. */
  readonly masters: readonly { readonly host: string; readonly port: number }[];
  /** Index into `masters` of each of the 16384 slots (-1: not served). */
  readonly owner: Int16Array;
}

/** Asks the cluster which master serves which slots. */
export async function slotMap(cluster: Cluster): Promise<SlotMap> {
  const ranges = await cluster.cluster("SLOTS");
  const masters: { host: string; port: number }[] = [];
  const owner = new Int16Array(16384).fill(-1);
  for (const [start, end, master] of ranges) {
    if (!master) continue;
    const [host, port] = master;
    let at = masters.findIndex((m) => m.host === host && m.port === port);
    if (at < 0) at = masters.push({ host, port }) - 1;
    owner.fill(at, start, end + 1);
  }
  return { masters, owner };
}
