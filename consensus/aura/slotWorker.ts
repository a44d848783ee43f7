import type { Logger } from "../../primitives/logger.ts";
import { isAuthorOf } from "./seal.ts";
import { slotAt, slotStartMs } from "./slots.ts";

/** Builds, seals and imports a block for `slot`; resolves when it is imported. */
export interface BlockProposer {
  propose(slot: bigint, deadlineMs: number): Promise<void>;
}

export interface SlotWorkerOpts {
  slotDurationMs: number;
  /** This node's authoring key (ed25519 public key). */
  authorityKey: Uint8Array;
}

export interface SlotWorkerDeps {
  proposer: BlockProposer;
  /** The authority set at the current best block. */
  authorities(): Uint8Array[];
  logger: Logger;
  now(): number;
}

/**
 * Aura's slot loop: wakes at each slot boundary and, when this node is the slot's author
 * (`authorities[slot mod n]`), proposes a block. A slot whose proposal is still running when
 * the next begins is skipped rather than queued.
 */
export class SlotWorker {
  private readonly opts: SlotWorkerOpts;
  private readonly deps: SlotWorkerDeps;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;
  private lastSlot = -1n;

  constructor(opts: SlotWorkerOpts, deps: SlotWorkerDeps) {
    this.opts = opts;
    this.deps = deps;
  }

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    const now = this.deps.now();
    const next = slotStartMs(slotAt(now, this.opts.slotDurationMs) + 1n, this.opts.slotDurationMs);
    this.timer = setTimeout(() => this.onSlot(), next - now);
  }

  private onSlot(): void {
    this.schedule();
    const slot = slotAt(this.deps.now(), this.opts.slotDurationMs);
    if (slot <= this.lastSlot || this.running) return;
    this.lastSlot = slot;
    if (!isAuthorOf(slot, this.deps.authorities(), this.opts.authorityKey)) return;
    // Propose within the first third of the slot, leaving the rest for import and propagation.
    const deadline = slotStartMs(slot, this.opts.slotDurationMs) + Math.floor(this.opts.slotDurationMs / 3);
    this.running = this.deps.proposer
      .propose(slot, deadline)
      .catch((e) => this.deps.logger.error("Block proposal failed", { slot }, e))
      .finally(() => {
        this.running = null;
      });
  }
}
