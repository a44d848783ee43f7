import type { Logger } from "../primitives/logger.ts";
import { shortHash, type Chain } from "./chain/chain.ts";

/** How often the status line is printed; Substrate's informant uses 5 s. */
const INFORMANT_INTERVAL_MS = 5000;

/** Prints Substrate's periodic status line: `Idle (0 peers), best: #12 (0xab…cd), finalized #12 (0xab…cd)`. */
export class Informant {
  private readonly chain: Chain;
  private readonly logger: Logger;
  private readonly peers: () => number;
  private timer: NodeJS.Timeout | null = null;

  constructor(deps: { chain: Chain; logger: Logger; peers: () => number }) {
    this.chain = deps.chain;
    this.logger = deps.logger;
    this.peers = deps.peers;
  }

  start(): void {
    this.timer = setInterval(() => {
      const { best, finalized } = this.chain;
      this.logger.info(
        `Idle (${this.peers()} peers), best: #${best.number} (${shortHash(best.hash)}), finalized #${finalized.number} (${shortHash(finalized.hash)})`,
      );
    }, INFORMANT_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
