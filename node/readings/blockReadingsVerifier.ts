import { bytesEqual } from "../../primitives/bytes.ts";
import type { IBlsAggregateVerifier } from "../../primitives/bls/index.ts";
import { blsAggregateSignatures } from "../../primitives/blsKeys.ts";
import type { Block } from "../../primitives/codec/index.ts";
import { ArkreenError } from "../../primitives/errors.ts";
import { orderedTrieRoot } from "../../primitives/trie/trie.ts";
import { devices, pog, type StateReader } from "../../runtime/api.ts";
import type { BlockBodyVerifier, PendingSignatureCheck } from "../chain/types.ts";

/** The signature (compressed or uncompressed) of an encoded reading this node already verified, and the device key it verified it with. */
export type KnownReadingSignature = (deviceId: number, interval: number, encoded: Uint8Array) => { signature: Uint8Array; publicKey: Uint8Array } | undefined;

/** What the body check refuses here; too many or malformed readings are the runtime's `InvalidBlock` (one decoder, blockReadings.ts). */
export type BlockReadingsErrorType = { code: "BAD_READINGS_ROOT" } | { code: "UNKNOWN_DEVICE"; index: number; deviceId: number } | { code: "BAD_AGGREGATE_SIGNATURE" };

export class BlockReadingsError extends ArkreenError<BlockReadingsErrorType> {}

/**
 * Checks a block's readings against its header (readings root) and its one aggregated BLS
 * signature, cheapest first. `check` runs on the main thread: the root, the count limit, decoding,
 * the devices' keys at the parent state and, when this node's pool already verified every
 * reading's signature (gossip, RPC), the whole verdict — a re-aggregation (~2 µs a reading) and a
 * byte comparison. Otherwise it hands back the multi-pairing (~0.35 ms a reading), which block
 * import runs last, once the block has proved everything cheaper, on the BLS workers.
 */
export class BlockReadingsVerifier implements BlockBodyVerifier {
  private readonly genesisHash: Uint8Array;
  private readonly knownSignature: KnownReadingSignature;
  private readonly verifier: IBlsAggregateVerifier;

  constructor(deps: { genesisHash: Uint8Array; knownSignature: KnownReadingSignature; verifier: IBlsAggregateVerifier }) {
    this.genesisHash = deps.genesisHash;
    this.knownSignature = deps.knownSignature;
    this.verifier = deps.verifier;
  }

  check(block: Block, parentState: StateReader): PendingSignatureCheck | null {
    const encoded = block.readings ?? [];
    const root = block.header.readingsRoot ?? new Uint8Array(0);
    const signature = block.readingsSignature ?? new Uint8Array(0);
    if (encoded.length === 0) {
      if (root.length !== 0 || signature.length !== 0) throw new BlockReadingsError({ code: "BAD_READINGS_ROOT" });
      return null;
    }
    if (!bytesEqual(root, orderedTrieRoot(encoded))) throw new BlockReadingsError({ code: "BAD_READINGS_ROOT" });
    // The runtime's count limit and decoder, before any pairing work (throws InvalidBlock).
    const readings = pog.decodeBlockReadings(parentState, encoded);
    const keys = readings.map((r, index) => {
      const device = devices.device(parentState, r.deviceId);
      if (!device) throw new BlockReadingsError({ code: "UNKNOWN_DEVICE", index, deviceId: r.deviceId });
      return device.blsKey;
    });
    // Fast path: every signature was verified here already, against the key the parent state holds.
    // Then the only valid aggregate is their sum — a BLS signature is unique per (key, message) and
    // a compressed point has one encoding (blst refuses non-canonical ones) — so comparing bytes
    // is the whole verdict, the same one the pairing would give.
    const known = readings.map((r, i) => this.knownSignature(r.deviceId, r.interval, encoded[i]));
    if (known.every((k, i) => k !== undefined && bytesEqual(k.publicKey, keys[i]))) {
      if (bytesEqual(blsAggregateSignatures(known.map((k) => (k as { signature: Uint8Array }).signature)), signature)) return null;
      throw new BlockReadingsError({ code: "BAD_AGGREGATE_SIGNATURE" });
    }
    const parts = readings.map((r, i) => ({ publicKey: keys[i], message: pog.readingSigningRoot(this.genesisHash, r) }));
    return {
      count: parts.length,
      verify: async () => {
        // `priority`: the block being imported holds the import queue; readings gossip can wait.
        if (!(await this.verifier.verifyAggregate(parts, signature, { priority: true }))) throw new BlockReadingsError({ code: "BAD_AGGREGATE_SIGNATURE" });
      },
    };
  }
}
