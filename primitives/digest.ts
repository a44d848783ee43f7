import { bytesEqual, utf8 } from "./bytes.ts";
import { DigestKind, type DigestItem } from "./codec/index.ts";

/** Aura's consensus engine id, as in Substrate. */
export const AURA_ENGINE = utf8("aura");

/** Pre-runtime digest carrying the slot (u64 little-endian, as Substrate's Aura). */
export function auraPreDigest(slot: bigint): DigestItem {
  const data = new Uint8Array(8);
  new DataView(data.buffer).setBigUint64(0, slot, true);
  return { kind: DigestKind.PreRuntime, engine: AURA_ENGINE, data };
}

export function findAuraSlot(digest: DigestItem[]): bigint | null {
  const item = digest.find((d) => d.kind === DigestKind.PreRuntime && bytesEqual(d.engine, AURA_ENGINE));
  if (!item || item.data.length !== 8) return null;
  return new DataView(item.data.buffer, item.data.byteOffset, 8).getBigUint64(0, true);
}

export function sealDigest(signature: Uint8Array): DigestItem {
  return { kind: DigestKind.Seal, engine: AURA_ENGINE, data: signature };
}

/** The seal must be the header's last digest item; returns it and the digest without it. */
export function splitSeal(digest: DigestItem[]): { seal: Uint8Array; unsealed: DigestItem[] } | null {
  const last = digest[digest.length - 1];
  if (!last || last.kind !== DigestKind.Seal || !bytesEqual(last.engine, AURA_ENGINE)) return null;
  return { seal: last.data, unsealed: digest.slice(0, -1) };
}
