/**
 * Invariants of the chain's state, read straight from the trie after each block of the
 * state-transition fuzz (docs/fuzzing.md lists them).
 */
import assert from "node:assert/strict";
import { bytesToU32, toHex } from "../../primitives/bytes.ts";
import type { MerkleTrie } from "../../primitives/trie/trie.ts";
import { Commands, PendingByDevice, PendingCount, SettledHead, SettledQueue, SettledTail } from "../../runtime/modules/control/storage.ts";
import { CommandStatus } from "../../runtime/modules/control/types.ts";
import { INTERVALS_PER_DAY_RECORD, pageExpired } from "../../runtime/modules/pog/generation.ts";
import { Config as PogConfig, ExpiryHead, ExpiryQueue, ExpiryTail, GenerationDays } from "../../runtime/modules/pog/storage.ts";
import { currentInterval } from "../../runtime/modules/pog/time.ts";
import { RecSlots, Recs } from "../../runtime/modules/recs/storage.ts";
import { RecStatus, originOf, type RecRecord } from "../../runtime/modules/recs/types.ts";
import { TotalIssuance } from "../../runtime/modules/balances/storage.ts";
import { Config as RewardsConfig, DeviceRewards, EpochRewards, HistoryStart, ValidatorRewards } from "../../runtime/modules/rewards/storage.ts";
import { PayoutPhase } from "../../runtime/modules/rewards/types.ts";
import { Account } from "../../runtime/modules/system/storage.ts";

/** Total issuance is the sum of free + reserved over every account. */
export function assertIssuance(state: MerkleTrie): void {
  let sum = 0n;
  for (const [, raw] of state.entries(Account.prefix)) {
    const a = Account.decodeValue(raw);
    sum += a.free + a.reserved;
  }
  assert.equal(TotalIssuance.get(state), sum, "total issuance is the sum of all balances");
}

/** The u32 key right after `prefix ++ blake2b128(key)` in a storage key. */
function u32At(key: Uint8Array, offset: number): number {
  return bytesToU32(key.subarray(offset + 16, offset + 20));
}

/** Every credited slot of the `pog.GenerationDays` pages: "device:interval" → its energy, reading hash (hex) and claim. */
function creditedSlots(state: MerkleTrie): Map<string, { energyWh: number; readingHash: string; block: number; claimedBy: number }> {
  const out = new Map<string, { energyWh: number; readingHash: string; block: number; claimedBy: number }>();
  const prefixLength = GenerationDays.prefix.length;
  for (const [key, raw] of state.entries(GenerationDays.prefix)) {
    const deviceId = u32At(key, prefixLength);
    const day = u32At(key, prefixLength + 20);
    for (const s of GenerationDays.decodeValue(raw).slots) {
      out.set(`${deviceId}:${day * INTERVALS_PER_DAY_RECORD + s.offset}`, { energyWh: s.energyWh, readingHash: toHex(s.readingHash), block: s.block, claimedBy: s.claimedBy });
    }
  }
  return out;
}

/**
 * Every (device, interval) of energy is in at most one non-cancelled REC; the claims in the
 * `pog.GenerationDays` pages say so both ways for the pages still stored (a page older than the
 * claim window is gone, with its claims; the REC's slot list keeps what it certified); each slot
 * of a REC's list copies its page slot's energy, reading hash and crediting block while the page
 * is stored; and a REC family (a requested REC and the parts split off it) certifies, with what
 * it retired, exactly the energy of its slots.
 */
export function assertRecs(state: MerkleTrie): void {
  const recs = new Map<number, RecRecord>();
  for (const [key, raw] of state.entries(Recs.prefix)) recs.set(Recs.decodeKey(key), Recs.decodeValue(raw));
  const credited = creditedSlots(state);

  const familyWh = new Map<number, number>();
  for (const [id, rec] of recs) {
    if (rec.status === RecStatus.Cancelled) continue;
    const origin = originOf(id, rec);
    familyWh.set(origin, (familyWh.get(origin) ?? 0) + rec.energyWh + rec.retiredWh);
  }

  const holder = new Map<string, number>();
  for (const [id, rec] of recs) {
    if (rec.origin !== 0 || rec.status === RecStatus.Cancelled) continue;
    const slots = RecSlots.get(state, id)?.slots ?? [];
    assert.ok(slots.length > 0, `REC ${id} certifies no slot`);
    let certifiedWh = 0;
    for (const s of slots) {
      const slot = `${s.deviceId}:${s.interval}`;
      assert.equal(holder.get(slot), undefined, `slot ${slot} is in REC ${holder.get(slot)} and REC ${id}`);
      holder.set(slot, id);
      const page = credited.get(slot);
      if (page !== undefined) {
        assert.equal(page.claimedBy, id, `slot ${slot} of REC ${id} is not claimed by it`);
        assert.deepEqual({ energyWh: s.energyWh, readingHash: toHex(s.readingHash), block: s.creditedBlock }, { energyWh: page.energyWh, readingHash: page.readingHash, block: page.block }, `slot ${slot} of REC ${id} copies its page slot`);
      }
      assert.ok(s.energyWh > 0, `slot ${slot} of REC ${id} holds no energy`);
      certifiedWh += s.energyWh;
    }
    assert.equal(familyWh.get(id), certifiedWh, `REC ${id} and its parts certify ${familyWh.get(id)} Wh of ${certifiedWh} Wh in its slots`);
  }

  for (const [slot, c] of credited) {
    if (c.claimedBy === 0) continue;
    assert.equal(holder.get(slot), c.claimedBy, `page slot ${slot} is claimed by REC ${c.claimedBy}, which does not hold it`);
  }
}

/**
 * The expiry queue and the pages agree: `[ExpiryHead, ExpiryTail)` lists every stored page once,
 * nothing else, and the head's page is inside the claim window (the block's hook removes expired
 * pages from the head, far more a block than these runs create).
 */
export function assertExpiry(state: MerkleTrie): void {
  const head = ExpiryHead.get(state);
  const tail = ExpiryTail.get(state);
  const queued = new Set<string>();
  for (let i = head; i < tail; i++) {
    const e = ExpiryQueue.get(state, i);
    assert.ok(e, `expiry queue entry ${i} missing`);
    const page = `${e.deviceId}:${e.day}`;
    assert.ok(!queued.has(page), `page ${page} queued twice`);
    queued.add(page);
    assert.ok(GenerationDays.contains(state, e.deviceId, e.day), `queued page ${page} is not stored`);
  }
  let queueEntries = 0;
  for (const _ of state.entries(ExpiryQueue.prefix)) queueEntries++;
  assert.equal(queueEntries, tail - head, "the queue holds only [head, tail)");
  let pages = 0;
  for (const _ of state.entries(GenerationDays.prefix)) pages++;
  assert.equal(pages, queued.size, "every stored page is queued once");
  if (head < tail) {
    const config = PogConfig.get(state);
    const e = ExpiryQueue.get(state, head)!;
    assert.ok(!pageExpired(e.day, currentInterval(state, config), config), `page ${e.deviceId}:${e.day} expired but is still at the head`);
  }
}

/** The control module's pending indices agree with the command records. */
export function assertControl(state: MerkleTrie): void {
  const byDevice = new Map<number, number>();
  const prefixLength = PendingByDevice.prefix.length;
  for (const [key] of state.entries(PendingByDevice.prefix)) {
    const deviceId = u32At(key, prefixLength);
    const commandId = u32At(key, prefixLength + 20);
    const record = Commands.get(state, commandId);
    assert.equal(record?.status, CommandStatus.Pending, `command ${commandId} is indexed as pending`);
    assert.equal(record?.deviceId, deviceId);
    byDevice.set(deviceId, (byDevice.get(deviceId) ?? 0) + 1);
  }
  for (const [key, raw] of state.entries(PendingCount.prefix)) {
    const deviceId = PendingCount.decodeKey(key);
    assert.equal(PendingCount.decodeValue(raw), byDevice.get(deviceId) ?? 0, `pending count of device ${deviceId} (${toHex(key)})`);
    byDevice.delete(deviceId);
  }
  assert.equal(byDevice.size, 0, "a device with pending commands has a pending count");

  // Settled commands: exactly the stored records that are not pending, each once, in the removal queue.
  const queued = new Set<number>();
  const head = SettledHead.get(state);
  const tail = SettledTail.get(state);
  for (let position = head; position < tail; position++) {
    const entry = SettledQueue.get(state, position);
    assert.ok(entry, `settled queue entry ${position} of [${head}, ${tail})`);
    assert.ok(!queued.has(entry.commandId), `command ${entry.commandId} queued once`);
    queued.add(entry.commandId);
  }
  assert.equal([...state.entries(SettledQueue.prefix)].length, tail - head, "no settled queue entry outside [head, tail)");
  for (const [key, raw] of state.entries(Commands.prefix)) {
    const commandId = Commands.decodeKey(key);
    assert.equal(Commands.decodeValue(raw).status !== CommandStatus.Pending, queued.delete(commandId), `command ${commandId} is queued for removal iff settled`);
  }
  assert.equal(queued.size, 0, `queued commands without a record: ${[...queued]}`);
}

/** The epochs with records per item of a rewards double map keyed by epoch first. */
function epochsOf(state: MerkleTrie, prefix: Uint8Array): Set<number> {
  const epochs = new Set<number>();
  for (const [key] of state.entries(prefix)) epochs.add(u32At(key, prefix.length));
  return epochs;
}

/**
 * Rewards keep the last `historyEpochs` ended epochs, removing the oldest first: no record before
 * `HistoryStart`, and device and validator records only of epochs that still have their
 * `EpochRewards` record (which goes last). Epochs that are not complete are never removed.
 */
export function assertRewardsHistory(state: MerkleTrie): void {
  const start = HistoryStart.get(state);
  const { historyEpochs } = RewardsConfig.get(state);
  const recorded = new Set<number>();
  for (const [key] of state.entries(EpochRewards.prefix)) {
    const epoch = EpochRewards.decodeKey(key);
    assert.ok(epoch >= start, `epoch ${epoch}'s record is before HistoryStart ${start}`);
    recorded.add(epoch);
  }
  // HistoryStart only passes complete epochs with historyEpochs ended epochs after them.
  if (start > 0) assert.ok(EpochRewards.contains(state, start - 1 + historyEpochs), `epoch ${start - 1} removed before ${historyEpochs} later epochs ended`);
  const paying = [...recorded].filter((epoch) => EpochRewards.get(state, epoch)?.phase !== PayoutPhase.Complete);
  for (const epoch of paying) assert.ok(epoch >= start, `epoch ${epoch} not paid out yet is kept`);
  for (const prefix of [DeviceRewards.prefix, ValidatorRewards.prefix]) {
    for (const epoch of epochsOf(state, prefix)) assert.ok(recorded.has(epoch), `reward entries of epoch ${epoch} without its EpochRewards record`);
  }
}
