import { concatBytes, u32ToBytes, utf8 } from "../../../primitives/bytes.ts";
import { blake2b256 } from "../../../primitives/hash.ts";

const RESPONSE_DOMAIN = utf8("arkreen/flex-response/v1");

/**
 * The 32-byte message a device signs (BLS, as its readings and control receipts) to answer a
 * flex event: blake2b-256("arkreen/flex-response/v1" ++ genesis hash (32 bytes) ++ event id (u32
 * big-endian) ++ device id (u32 big-endian) ++ status (one byte, IEEE 2030.5 code)). The event
 * and device ids make it useless for another event or device; the genesis hash, on another chain.
 */
export function flexResponseMessage(genesisHash: Uint8Array, eventId: number, deviceId: number, status: number): Uint8Array {
  return blake2b256(concatBytes(RESPONSE_DOMAIN, genesisHash, u32ToBytes(eventId), u32ToBytes(deviceId), Uint8Array.of(status)));
}
