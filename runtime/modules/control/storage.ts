import { StorageDoubleMap, StorageMap, StorageValue, u32Codec, unitCodec } from "../../framework/storage.ts";
import { commandRecordCodec, controlConfigCodec, operatorRecordCodec, settledEntryCodec, type CommandRecord, type ControlConfig, type OperatorRecord, type SettledEntry } from "./types.ts";

export const MODULE = "control";

export const Config = new StorageValue<ControlConfig>(MODULE, "Config", controlConfigCodec, () => {
  throw new Error("control.Config missing from genesis");
});
/**
 * Commands by id (assigned from 0, never reused), with the receipt once acknowledged: every pending
 * one, and settled ones (acknowledged, cancelled, expired) for `settledRetentionBlocks` after they
 * settled, when the removal queue below removes them.
 */
export const Commands = new StorageMap<number, CommandRecord>(MODULE, "Commands", u32Codec, commandRecordCodec);
export const NextCommandId = new StorageValue<number>(MODULE, "NextCommandId", u32Codec, () => 0);
/** The operator a device's owner delegated command submission to, if any. */
export const Operators = new StorageMap<number, OperatorRecord>(MODULE, "Operators", u32Codec, operatorRecordCodec);

// Pending commands are indexed twice, by device and by expiry block, each with a count so that
// the calls and the expiry hook never have to list a prefix to learn its size: listing inside a
// block walks all of the block's pending writes, which is costly in blocks full of readings.

/** (device, command) for every pending command: what a device fetches, listed by trie prefix. */
export const PendingByDevice = new StorageDoubleMap<number, number, true>(MODULE, "PendingByDevice", u32Codec, u32Codec, unitCodec);
export const PendingCount = new StorageMap<number, number>(MODULE, "PendingCount", u32Codec, u32Codec);
/** (validUntil, command) for every pending command, so that expiry visits only the commands due. */
export const ExpiryQueue = new StorageDoubleMap<number, number, true>(MODULE, "ExpiryQueue", u32Codec, u32Codec, unitCodec);
export const ExpiryCount = new StorageMap<number, number>(MODULE, "ExpiryCount", u32Codec, u32Codec);
/** The lowest block number whose expiry queue may still hold commands. */
export const ExpiryCursor = new StorageValue<number>(MODULE, "ExpiryCursor", u32Codec, () => 0);

// Settled commands in the order they settled, a FIFO queue `[SettledHead, SettledTail)`: the
// retention is the same for all, so the queue's head is always the next record due for removal.

/** position → {commandId, settledAt}. */
export const SettledQueue = new StorageMap<number, SettledEntry>(MODULE, "SettledQueue", u32Codec, settledEntryCodec);
export const SettledHead = new StorageValue<number>(MODULE, "SettledHead", u32Codec, () => 0);
export const SettledTail = new StorageValue<number>(MODULE, "SettledTail", u32Codec, () => 0);
