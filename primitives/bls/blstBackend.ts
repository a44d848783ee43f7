import type * as Blst from "@chainsafe/blst";
import type { BlsBackend, PreparedSet } from "./backend.ts";

export type BlstModule = typeof Blst;

/**
 * The native backend: supranational/blst through `@chainsafe/blst`. Note that blst's Rust
 * binding spreads each multi-pairing over a process-wide thread pool sized to the CPUs
 * the process may use, so one call can already keep several cores busy.
 */
export function createBlstBackend(blst: BlstModule): BlsBackend<Blst.PublicKey, Blst.Signature> {
  return {
    name: "blst-native",

    publicKeyFromBytes(bytes) {
      try {
        // `true`: infinity and subgroup checks.
        return blst.PublicKey.fromBytes(bytes, true);
      } catch {
        return null;
      }
    },

    signatureFromBytes(bytes) {
      try {
        return blst.Signature.fromBytes(bytes, true, true);
      } catch {
        return null;
      }
    },

    signatureToUncompressed(signature) {
      return signature.toBytes(false);
    },

    aggregatePublicKeys(publicKeys) {
      return blst.aggregatePublicKeys(publicKeys, false);
    },

    verify(message, publicKey, signature) {
      try {
        return blst.verify(message, publicKey, signature, false, false);
      } catch {
        return false;
      }
    },

    verifyBatch(sets: PreparedSet<Blst.PublicKey, Blst.Signature>[]) {
      try {
        return blst.verifyMultipleAggregateSignatures(
          sets.map((s) => ({ msg: s.message, pk: s.publicKey, sig: s.signature })),
          false,
          false,
        );
      } catch {
        return false;
      }
    },

    aggregateVerify(messages, publicKeys, signature) {
      try {
        return blst.aggregateVerify(messages, publicKeys, signature, false, false);
      } catch {
        return false;
      }
    },

    verifySameMessage(message, publicKeys, signatures) {
      try {
        const blinded = blst.aggregateWithRandomness(publicKeys.map((pk, i) => ({ pk, sig: signatures[i] })));
        return blst.verify(message, blinded.pk, blinded.sig, false, false);
      } catch {
        return false;
      }
    },
  };
}
