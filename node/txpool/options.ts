export interface TxPoolLimit {
  /** Most transactions the queue holds. */
  count: number;
  /** Most total encoded bytes the queue holds. */
  bytes: number;
}

export interface TxPoolOpts {
  ready: TxPoolLimit;
  future: TxPoolLimit;
  /** Largest encoded transaction accepted; larger ones are `INVALID`/`EXHAUSTS_RESOURCES`. */
  maxTxBytes: number;
  /** How many blocks an included or invalid transaction stays banned. */
  banBlocks: number;
  /** Most banned hashes remembered; the oldest ban is forgotten first. */
  maxBanned: number;
  /** Blocks a watched, included transaction waits for finality before `finalityTimeout`. */
  finalityTimeoutBlocks: number;
  /** Number of the best block when the pool starts (mortality is checked against the next one). */
  bestNumber: number;
}

const MiB = 1024 * 1024;

/**
 * Substrate's defaults (`--pool-limit 8192`, `--pool-kbytes 20480`), which a Substrate chain with
 * 6 s blocks runs in production: 8192 ready transactions are several blocks' worth, so authors
 * always have a full block to choose from, while 20 MiB bounds memory whatever the sizes.
 */
export const defaultTxPoolOpts: TxPoolOpts = {
  ready: { count: 8192, bytes: 20 * MiB },
  // The future queue holds transactions that cannot be included yet (a nonce gap), so it is the
  // cheapest place to spam: Substrate gives it a tenth of the ready limits.
  future: { count: 819, bytes: 2 * MiB },
  // A transaction must fit one gossip message: libp2p pubsub's usual cap is 1 MiB per message,
  // and half of it leaves room for framing. The chain's largest honest extrinsics (device
  // registrations, control commands) are a few KiB, so this never refuses a real one, and 40 of
  // the largest already fill the ready queue's bytes.
  maxTxBytes: 512 * 1024,
  // Substrate bans for 30 minutes of wall clock; 512 blocks of 6 s is 51 minutes, longer than a
  // mortal transaction's usual 64-block window, so an included transaction gossiped back by a
  // lagging peer is refused by a lookup until its nonce check would refuse it anyway.
  banBlocks: 512,
  // Two full pools' worth of hashes (~2.5 MB of keys): enough to ban every transaction of a busy
  // period, bounded when someone floods distinct invalid transactions.
  maxBanned: 2 * 8192,
  // Substrate keeps finality watchers for 512 blocks (`MAX_FINALITY_WATCHERS`), then reports
  // `finalityTimeout`: a block not final after that long is on an abandoned fork or finality stalled.
  finalityTimeoutBlocks: 512,
  bestNumber: 0,
};
