import { toHex } from "../../primitives/bytes.ts";
import type { IBlsVerifier, SameMessageSet, SignatureSet, VerifyOpts } from "../../primitives/bls/interface.ts";

/**
 * Enough for every vote of a few rounds of a large set (two stages × 1,000 voters × a few
 * rounds) between the gossip validator checking a vote and the gadget taking it, which happens
 * within a microtask or two; entries are dropped oldest first beyond it.
 */
const MAX_REMEMBERED = 8192;

/**
 * The gadget's `IBlsVerifier`: the gossip validator verifies each vote before it forwards it
 * (an invalid one costs its sender a penalty), then the gadget verifies it again. This wrapper
 * remembers the (message, key, signature) triples the validator found valid and answers them
 * without a second pairing; anything else goes to the node's verifier.
 */
export class PreverifiedVerifier implements IBlsVerifier {
  private readonly inner: IBlsVerifier;
  private readonly verified = new Set<string>();

  constructor(inner: IBlsVerifier) {
    this.inner = inner;
  }

  remember(message: Uint8Array, set: SameMessageSet): void {
    this.verified.add(tripleKey(message, set));
    if (this.verified.size > MAX_REMEMBERED) this.verified.delete(this.verified.values().next().value as string);
  }

  verifySignatureSets(sets: readonly SignatureSet[], opts?: VerifyOpts): Promise<boolean[]> {
    return this.inner.verifySignatureSets(sets, opts);
  }

  verifySignatureSetsUncompressed(sets: readonly SignatureSet[], opts?: VerifyOpts): Promise<(Uint8Array | null)[]> {
    return this.inner.verifySignatureSetsUncompressed(sets, opts);
  }

  async verifySameMessage(sets: readonly SameMessageSet[], message: Uint8Array, opts?: VerifyOpts): Promise<boolean[]> {
    const result: boolean[] = [];
    const unknown: number[] = [];
    sets.forEach((s, i) => {
      const key = tripleKey(message, s);
      result.push(this.verified.delete(key));
      if (!result[i]) unknown.push(i);
    });
    if (unknown.length > 0) {
      const valid = await this.inner.verifySameMessage(
        unknown.map((i) => sets[i]),
        message,
        opts,
      );
      unknown.forEach((i, k) => (result[i] = valid[k]));
    }
    return result;
  }

  canAcceptWork(): boolean {
    return this.inner.canAcceptWork();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

function tripleKey(message: Uint8Array, set: SameMessageSet): string {
  return toHex(message) + toHex(set.publicKey) + toHex(set.signature);
}
