/**
 * Tuning constants of the verification core, with the measurements behind them (blst on
 * the 2-core development machine; see docs/verification-core.md for the full figures).
 */

/**
 * Random-linear-combination batches of distinct messages. A batch of n costs about f + n·c,
 * with c ≈ 0.5 ms per set (one Miller loop and one hash to G2) and f ≈ 0.7 ms (the final
 * exponentiation and thread hand-off): per set, 128 is 3% cheaper than 32. But a failed
 * batch must be bisected, which costs about 1.5 times its size again: with one invalid
 * signature per 128, fixed batches of 128 lose ~60% of throughput, batches of 32 ~30%.
 * Hence an adaptive size (`AdaptiveBatchSize`) between these bounds: the maximum while
 * traffic is clean, halved on each failure.
 */
export const MAX_BATCH_SIZE = 128;
/** Under a flood of invalid signatures, batches of 8 still halve the cost of the valid ones. */
export const MIN_BATCH_SIZE = 8;

/**
 * Distinct-message calls are split into jobs of this many sets, so that one large call
 * spreads over all workers (a worker then takes several jobs in one message and batches
 * them together). Batchable work is flushed from the buffer once it holds this many sets.
 */
export const DEFAULT_JOB_SIZE = 32;

/**
 * Most sets sent to a worker in one message, and the size of a same-message group: a group
 * of n costs n·110 µs + one 1.1 ms verification, so 128 keeps the fixed part under 10%,
 * and a message of 128 distinct sets (~80 ms of CPU) keeps priority work from waiting long.
 */
export const MAX_SETS_PER_REQUEST = 128;

/**
 * How long batchable work may wait for company. A lone set verified by itself costs 1.2 ms,
 * in a batch of 32 about 0.52 ms; 100 ms is what Lodestar uses for gossip and is far below
 * both the 6 s slot and a reading's acceptance window. The buffer flushes earlier as soon
 * as it holds a job's worth of sets (`DEFAULT_JOB_SIZE`).
 */
export const DEFAULT_BUFFER_WAIT_MS = 100;

/**
 * Queued sets per worker beyond which `canAcceptWork()` turns false: about half a second
 * of work at 0.5 ms per set. Older gossip than that is better dropped by the network layer
 * (it will be re-gossiped or included in a block) than verified late.
 */
export const MAX_QUEUED_SETS_PER_WORKER = 1024;

/** Validated public keys kept per worker (~300 bytes each, so ~10 MB); see PublicKeyCache. */
export const DEFAULT_PUBLIC_KEY_CACHE_SIZE = 32_768;

/**
 * Times a job is sent to a worker before it is given up: a job in flight on a worker that
 * dies is retried on a fresh worker, but a job that kills every worker it meets must not
 * take the pool down forever.
 */
export const MAX_JOB_ATTEMPTS = 3;
