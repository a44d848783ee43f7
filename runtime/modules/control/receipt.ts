import { concatBytes, u32ToBytes, utf8 } from "../../../primitives/bytes.ts";
import { blake2b256 } from "../../../primitives/hash.ts";
import type { ReceiptStatusValue } from "./types.ts";

const RECEIPT_DOMAIN = utf8("arkreen/control-receipt/v1");

/**
 * The 32-byte message a device signs (BLS, Ethereum ciphersuite) to acknowledge a command:
 * blake2b-256("arkreen/control-receipt/v1" ++ genesis hash (32 bytes) ++ command id (u32
 * big-endian) ++ status (one byte)). The command id makes a receipt useless for any other
 * command; the genesis hash, for any other chain.
 */
export function controlReceiptMessage(genesisHash: Uint8Array, commandId: number, status: ReceiptStatusValue): Uint8Array {
  return blake2b256(concatBytes(RECEIPT_DOMAIN, genesisHash, u32ToBytes(commandId), Uint8Array.of(status)));
}
