import { codecs, CodecError } from "../../primitives/codec/index.ts";
import type { GossipValidationResult } from "../../p2p/index.ts";
import { pog } from "../../runtime/api.ts";
import { shortHash, headerHash, type Chain } from "../chain/chain.ts";
import { BlockImportError } from "../chain/errors.ts";
import type { ReadingsPool } from "../readings/readingsPool.ts";
import type { ReadingPoolRejection } from "../readings/types.ts";
import { TxPoolError, type TxPool } from "../txpool/index.ts";

/**
 * How each gossip kind maps the node's own verdict to gossipsub's: `reject` (penalise the sender,
 * do not forward) only for what an honest peer never sends — bytes that do not decode, a bad
 * signature, a block that breaks a rule; `ignore` for what honest peers send too — duplicates,
 * stale or future items, a block on an unknown parent, a full pool. A second header sealed by one
 * author for one slot (`SLOT_EQUIVOCATION`) is ignored, not rejected: the equivocation is the
 * author's, and an honest relayer forwards the one variant it saw first; ignored blocks are not
 * forwarded, so the variants stop at the first honest node.
 */

const BLOCK_REJECT_CODES = new Set<BlockImportError["code"]>(["BAD_NUMBER", "BAD_EXTRINSICS_ROOT", "BAD_STATE_ROOT", "CONSENSUS", "BAD_READINGS", "EXECUTION_FAILED", "MALFORMED"]);

export async function validateGossipBlock(chain: Chain, data: Uint8Array, onUnknownParent: () => void, log: (msg: string) => void): Promise<GossipValidationResult> {
  let block;
  try {
    block = codecs.block.decode(data);
  } catch {
    return "reject";
  }
  try {
    const imported = await chain.importBlock(block, "gossip");
    return imported ? "accept" : "ignore";
  } catch (e) {
    if (!(e instanceof BlockImportError)) throw e;
    if (e.code === "UNKNOWN_PARENT") onUnknownParent();
    if (BLOCK_REJECT_CODES.has(e.code)) {
      log(`Refused gossiped block #${block.header.number} (${shortHash(headerHash(block.header))}): ${e.message}`);
      return "reject";
    }
    return "ignore";
  }
}

export function validateGossipExtrinsic(pool: TxPool, data: Uint8Array): GossipValidationResult {
  try {
    pool.submit(data, { origin: "gossip" });
    return "accept";
  } catch (e) {
    if (!(e instanceof TxPoolError)) throw e;
    if (e.type.code === "INVALID" && (e.type.reason === "BAD_PROOF" || e.type.reason === "BAD_CALL")) return "reject";
    return "ignore";
  }
}

const READING_REJECT_REASONS = new Set<ReadingPoolRejection>(["Malformed", "BadSignature"]);

export async function validateGossipReading(readings: ReadingsPool, data: Uint8Array): Promise<GossipValidationResult> {
  let signed;
  try {
    signed = pog.signedReadingCodec.decode(data);
  } catch (e) {
    if (e instanceof CodecError) return "reject";
    throw e;
  }
  const [result] = await readings.submit([signed], { origin: "gossip" });
  if (result.accepted) return "accept";
  return READING_REJECT_REASONS.has(result.reason) ? "reject" : "ignore";
}
