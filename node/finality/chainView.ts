import { bytesEqual } from "../../primitives/bytes.ts";
import type { BlockRef, ChainView, HeaderView } from "../../consensus/finality/types.ts";
import type { Chain } from "../chain/chain.ts";

/** The finality gadget's view of the node's chain: heads, canonical index and headers of every imported block. */
export class ChainViewAdapter implements ChainView {
  private readonly chain: Chain;

  constructor(chain: Chain) {
    this.chain = chain;
  }

  get best(): BlockRef {
    const { hash, number } = this.chain.best;
    return { hash, number };
  }

  get finalized(): BlockRef {
    const { hash, number } = this.chain.finalized;
    return { hash, number };
  }

  /** Walks `descendant`'s parents down to `ancestor`'s height: answers for forks as well as the canonical chain. */
  isDescendant(ancestor: Uint8Array, descendant: Uint8Array): boolean {
    const top = this.chain.header(ancestor);
    if (top === undefined) return false;
    let hash = descendant;
    let header = this.chain.header(hash);
    while (header !== undefined && header.number > top.number) {
      hash = header.parentHash;
      header = this.chain.header(hash);
    }
    return header !== undefined && header.number === top.number && bytesEqual(hash, ancestor);
  }

  hashAt(number: number): Uint8Array | undefined {
    return this.chain.hashAt(number);
  }

  header(hash: Uint8Array): HeaderView | undefined {
    const header = this.chain.header(hash);
    return header && { number: header.number, parentHash: header.parentHash };
  }
}
