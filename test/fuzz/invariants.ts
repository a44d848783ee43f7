/**
 * Invariants of the chain's state, read straight from the trie after each block of the
 * state-transition fuzz (docs/fuzzing.md lists them).
 */
import assert from "node:assert/strict";
import { bytesToU32, toHex } from "../../primitives/bytes.ts";
import type { MerkleTrie } from "../../primitives/trie/trie.ts";
import { PendingByDevice, PendingCount } from "../../runtime/modules/control/storage.ts";
import { Commands } from "../../runtime/modules/control/storage.ts";
import { CommandStatus } from "../../runtime/modules/control/types.ts";
import { Generation } from "../../runtime/modules/pog/storage.ts";
import { ClaimedSlots, RecSlots, Recs } from "../../runtime/modules/recs/storage.ts";
import { RecStatus, originOf, type RecRecord } from "../../runtime/modules/recs/types.ts";
import { TotalIssuance } from "../../runtime/modules/balances/storage.ts";
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

/**
 * Every (device, interval) of energy is in at most one non-cancelled REC, `ClaimedSlots` says
 * so both ways, and a REC family (a requested REC and the parts split off it) certifies, with
 * what it retired, exactly the verified energy of its slots.
 */
export function assertRecs(state: MerkleTrie): void {
  const recs = new Map<number, RecRecord>();
  for (const [key, raw] of state.entries(Recs.prefix)) recs.set(Recs.decodeKey(key), Recs.decodeValue(raw));

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
    let generatedWh = 0;
    for (const s of slots) {
      const slot = `${s.deviceId}:${s.interval}`;
      assert.equal(holder.get(slot), undefined, `slot ${slot} is in REC ${holder.get(slot)} and REC ${id}`);
      holder.set(slot, id);
      assert.equal(ClaimedSlots.get(state, s.deviceId, s.interval), id, `slot ${slot} of REC ${id} is not claimed by it`);
      generatedWh += Generation.get(state, s.deviceId, s.interval)?.energyWh ?? 0;
    }
    assert.equal(familyWh.get(id), generatedWh, `REC ${id} and its parts certify ${familyWh.get(id)} Wh of ${generatedWh} Wh generated`);
  }

  const prefixLength = ClaimedSlots.prefix.length;
  let claimed = 0;
  for (const [key, raw] of state.entries(ClaimedSlots.prefix)) {
    const slot = `${u32At(key, prefixLength)}:${u32At(key, prefixLength + 20)}`;
    assert.equal(holder.get(slot), bytesToU32(raw), `ClaimedSlots ${slot} points at a REC that does not hold it`);
    claimed++;
  }
  assert.equal(claimed, holder.size, "ClaimedSlots holds exactly the slots of non-cancelled RECs");
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
}
