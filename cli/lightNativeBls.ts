import * as blst from "@chainsafe/blst";
import type { AggregateCheck, BlsBackend } from "../light/index.ts";

/**
 * light/'s BLS checks on native blst, for Node callers of the offline verifier (`rec verify`):
 * light/ itself runs herumi's WASM build so that it also runs in browsers, 6–7 times slower
 * (docs/proofs.md, "BLS backend"). Keys and signatures are deserialised with blst's curve and
 * subgroup checks (`fromBytes(…, true)`; light/ has already refused bad encodings and infinity);
 * the batch is blst's `verifyMultipleAggregateSignatures`, which weights each set by a random
 * 64-bit scalar as light/'s does. Malformed input answers false, never throws.
 */
export const nativeLightBls: BlsBackend = {
  name: "blst",

  fastAggregateVerify(message, publicKeys, signature) {
    try {
      return blst.fastAggregateVerify(message, publicKeys.map((k) => blst.PublicKey.fromBytes(k, true)), blst.Signature.fromBytes(signature, true));
    } catch {
      return false;
    }
  },

  verifyAggregates(checks: readonly AggregateCheck[]) {
    try {
      return blst.verifyMultipleAggregateSignatures(
        checks.map((c) => ({ msg: c.message, pk: blst.aggregatePublicKeys(c.publicKeys.map((k) => blst.PublicKey.fromBytes(k, true))), sig: blst.Signature.fromBytes(c.signature, true) })),
      );
    } catch {
      return false;
    }
  },
};
