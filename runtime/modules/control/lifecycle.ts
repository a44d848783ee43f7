import type { BlockContext } from "../../framework/module.ts";
import type { State } from "../../framework/state.ts";
import type { StorageMap } from "../../framework/storage.ts";
import { Commands, Config, ExpiryCount, ExpiryCursor, ExpiryQueue, PendingByDevice, PendingCount, SettledHead, SettledQueue, SettledTail } from "./storage.ts";
import { CommandStatus, type CommandRecord } from "./types.ts";
import { controlEvents } from "./events.ts";

/**
 * Most expiry steps the `onFinalize` hook takes per block, a step being one expired command or
 * one block's queue visited. Expiring a command reads and rewrites its record, two indices and
 * two counts and deposits an event: 0.1–0.2 ms measured on the development machine, as much
 * again when the trie commits the writes. 250 steps thus cost at most ≈ 0.1 s of a 2–6 s slot;
 * commands due beyond that are expired in the next blocks. An unswept command cannot be
 * acknowledged anyway (the check is against `validUntil`) and RPC hides it, so a backlog only
 * delays its `Expired` status, its event, and the freeing of its place in the device's quota.
 */
const MAX_EXPIRY_STEPS_PER_BLOCK = 250;

function adjust(state: State, counts: StorageMap<number, number>, key: number, delta: number): void {
  const next = (counts.get(state, key) ?? 0) + delta;
  if (next === 0) counts.remove(state, key);
  else counts.set(state, key, next);
}

/** Stores a new pending command under `id` and indexes it by device and by expiry block. */
export function openCommand(state: State, id: number, record: CommandRecord): void {
  Commands.set(state, id, record);
  PendingByDevice.set(state, record.deviceId, id, true);
  adjust(state, PendingCount, record.deviceId, 1);
  ExpiryQueue.set(state, record.validUntil, id, true);
  adjust(state, ExpiryCount, record.validUntil, 1);
}

/**
 * Moves a pending command to a final status (acknowledged, cancelled, expired) in block `block`,
 * out of the pending indices and onto the tail of the removal queue of settled commands.
 */
export function settleCommand(state: State, id: number, record: CommandRecord, update: Partial<CommandRecord>, block: number): void {
  Commands.set(state, id, { ...record, ...update });
  PendingByDevice.remove(state, record.deviceId, id);
  adjust(state, PendingCount, record.deviceId, -1);
  ExpiryQueue.remove(state, record.validUntil, id);
  adjust(state, ExpiryCount, record.validUntil, -1);
  const tail = SettledTail.get(state);
  SettledQueue.set(state, tail, { commandId: id, settledAt: block });
  SettledTail.set(state, tail + 1);
}

/**
 * Marks `Expired` the pending commands whose `validUntil` is the current block or earlier (after
 * this block no receipt can be accepted for them), block by block and within a block in trie
 * order (deterministic), at most `MAX_EXPIRY_STEPS_PER_BLOCK` steps per block, resuming where
 * the previous block stopped.
 */
export function expireDueCommands(ctx: BlockContext): void {
  const start = ExpiryCursor.get(ctx.state);
  let block = start;
  let steps = MAX_EXPIRY_STEPS_PER_BLOCK;
  while (block <= ctx.number && steps > 0) {
    steps--;
    const due = ExpiryCount.get(ctx.state, block) ?? 0;
    if (due > 0) {
      const prefix = ExpiryQueue.prefixFor(block);
      const ids: number[] = [];
      for (const [key] of ctx.state.entries(prefix)) {
        if (ids.length === steps) break;
        ids.push(ExpiryQueue.decodeKey2(key, prefix.length));
      }
      for (const id of ids) {
        const record = Commands.get(ctx.state, id) as CommandRecord;
        settleCommand(ctx.state, id, record, { status: CommandStatus.Expired }, ctx.number);
        controlEvents.deposit(ctx, "CommandExpired", { commandId: id, deviceId: record.deviceId, validUntil: record.validUntil });
      }
      steps -= ids.length;
      if (ids.length < due) break;
    }
    block++;
  }
  if (block !== start) ExpiryCursor.set(ctx.state, block);
}

/**
 * Settled records a block removes at most. A removal is a queue read and two deletes (record,
 * queue entry), the head written once a block: 40–55 µs with the state root's update, measured on
 * the 2-core workplace machine (TestChain blocks removing 256 against empty blocks, 2026-12-07),
 * ≈ 10–15 ms a block at the bound, a quarter of a percent of a 6 s slot. 256 a block is 3.7 M commands a day at 6 s slots — 3.7 a day for each of a million
 * devices, or one flex event a day reaching 3.7 M of them — settled and removed at the pace they
 * come. A burst above it (a block holds up to `maxBlockExtrinsics` submissions) drains over the
 * following blocks; a rate sustained above it would keep records longer than the retention, and
 * calls for a higher bound: the cost per block grows linearly.
 */
export const MAX_SETTLED_REMOVALS_PER_BLOCK = 256;

/**
 * Removes the records of commands settled `settledRetentionBlocks` or more blocks ago, from the
 * head of the queue of settled commands, at most `MAX_SETTLED_REMOVALS_PER_BLOCK` a block. The
 * queue is in settlement order and the retention the same for all, so it stops at the first
 * record not yet due. Pending commands are never in the queue. A removed command's story stays
 * in its blocks' events (`CommandSubmitted`, then `CommandAcknowledged` — with the receipt's
 * status and carrier —, `CommandCancelled` or `CommandExpired`).
 */
export function removeSettledCommands(ctx: BlockContext): void {
  let head = SettledHead.get(ctx.state);
  const tail = SettledTail.get(ctx.state);
  if (head >= tail) return;
  const retention = Config.get(ctx.state).settledRetentionBlocks;
  const start = head;
  while (head < tail && head - start < MAX_SETTLED_REMOVALS_PER_BLOCK) {
    const entry = SettledQueue.get(ctx.state, head);
    if (entry === undefined) throw new Error(`control: settled queue entry ${head} missing`);
    if (entry.settledAt + retention > ctx.number) break;
    Commands.remove(ctx.state, entry.commandId);
    SettledQueue.remove(ctx.state, head);
    head++;
  }
  if (head !== start) SettledHead.set(ctx.state, head);
}
