import type * as Herumi from "@chainsafe/bls/herumi";
import type { BlsBackend, PreparedSet } from "./backend.ts";

export type HerumiModule = typeof Herumi;
type PublicKey = Herumi.PublicKey;
type Signature = Herumi.Signature;

/** herumi's `multiVerify` hashes only 32-byte messages; longer ones are verified one by one. */
const HERUMI_BATCH_MESSAGE_LENGTH = 32;

/**
 * The portable fallback: herumi's BLS compiled to WASM, through `@chainsafe/bls/herumi`.
 * Roughly ten times slower than blst; used only when the native binding cannot load.
 * It exposes no scalar multiplication, so same-message sets are batched with the same
 * random-linear-combination multi-pairing as distinct messages (correct, not cheaper).
 */
export function createHerumiBackend(herumi: HerumiModule): BlsBackend<PublicKey, Signature> {
  const verify = (message: Uint8Array, publicKey: PublicKey, signature: Signature): boolean => {
    try {
      return signature.verify(publicKey, message);
    } catch {
      return false;
    }
  };

  const verifyBatch = (sets: PreparedSet<PublicKey, Signature>[]): boolean => {
    if (sets.some((s) => s.message.length !== HERUMI_BATCH_MESSAGE_LENGTH)) {
      return sets.every((s) => verify(s.message, s.publicKey, s.signature));
    }
    try {
      return herumi.Signature.verifyMultipleSignatures(
        sets.map((s) => ({ message: s.message, publicKey: s.publicKey, signature: s.signature })),
      );
    } catch {
      return false;
    }
  };

  const signatureFromBytes = (bytes: Uint8Array): Signature | null => {
    try {
      // The constructor rejects points outside the subgroup.
      return herumi.Signature.fromBytes(bytes);
    } catch {
      return null;
    }
  };

  return {
    name: "herumi-wasm",

    publicKeyFromBytes(bytes) {
      try {
        const publicKey = herumi.PublicKey.fromBytes(bytes);
        // herumi's deserialiser checks the order too; checked again because the wrapper
        // does not promise it, and a key outside the subgroup must never get through.
        return publicKey.value.isValidOrder() ? publicKey : null;
      } catch {
        return null;
      }
    },

    signatureFromBytes,

    signatureToUncompressed(signature) {
      return signature.toBytes("uncompressed" as Parameters<Signature["toBytes"]>[0]);
    },

    aggregatePublicKeys(publicKeys) {
      return herumi.PublicKey.aggregate(publicKeys);
    },

    verify,
    verifyBatch,

    aggregateVerify(messages, publicKeys, signature) {
      try {
        return signature.verifyMultiple(publicKeys, messages);
      } catch {
        return false;
      }
    },

    verifySameMessage(message, publicKeys, signatures) {
      const sets: PreparedSet<PublicKey, Signature>[] = [];
      for (let i = 0; i < publicKeys.length; i++) {
        const signature = signatureFromBytes(signatures[i]);
        if (signature === null) return false;
        sets.push({ message, publicKey: publicKeys[i], signature });
      }
      return verifyBatch(sets);
    },
  };
}
