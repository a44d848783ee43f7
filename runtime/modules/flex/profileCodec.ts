import type { ValueCodec } from "../../framework/storage.ts";

/**
 * Intervals per baseline-profile chunk: a chunk is a run of up to 24 consecutive intervals of the
 * day (interval-of-day 24c … 24c + 23), the same width as pog's pages, so that on the live chains
 * (24 hourly intervals a day) a device's whole profile is one record and a chunk of one day is
 * exactly one pog page. A 10-in-10 baseline reads the same intervals-of-day on ten earlier days:
 * with the profile those ten days are in one record instead of ten pages (docs/vpp.md, "Baseline
 * profile").
 */
export const PROFILE_CHUNK_INTERVALS = 24;

/**
 * One folded (device, day, chunk): an exact copy of what pog credited in the chunk's intervals of
 * that day, taken once the day's chunk could no longer receive readings. `present` bit i: slot i
 * (interval-of-day 24c + i) has a credited reading; `importChannel` bit i: that reading's import
 * meter was above 0 (the device reported an import channel, docs/readings.md). `energyWh[i]` and
 * `importWh[i]` are 0 for slots not present. A day folded with no reading has `present` 0.
 */
export interface ProfileDay {
  day: number;
  present: number;
  importChannel: number;
  energyWh: number[];
  importWh: number[];
}

/** Thrown on stored bytes that are not an encoded profile: the runtime wrote them, so the state is corrupt. */
export class ProfileCodecError extends Error {
  constructor(reason: string) {
    super(`flex: malformed baseline profile: ${reason}`);
    this.name = "ProfileCodecError";
  }
}

function putVarint(out: number[], value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`profile value ${value} is not an unsigned safe integer`);
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = (v - (v % 0x80)) / 0x80;
  }
  out.push(v);
}

function getVarint(bytes: Uint8Array, at: { pos: number }): number {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 8; i++) {
    if (at.pos >= bytes.length) throw new ProfileCodecError("truncated varint");
    const b = bytes[at.pos++];
    value += (b & 0x7f) * scale;
    if (b < 0x80) return value;
    scale *= 128;
  }
  throw new ProfileCodecError("varint longer than 8 bytes");
}

function popcount(mask: number): number {
  let n = 0;
  for (let m = mask; m !== 0; m &= m - 1) n++;
  return n;
}

/** Bytes of the widest value (1 … 4). */
function widthOf(values: readonly number[], present: number): number {
  let max = 0;
  for (let i = 0; i < PROFILE_CHUNK_INTERVALS; i++) if ((present & (1 << i)) !== 0 && values[i] > max) max = values[i];
  if (max > 0xffffffff) throw new RangeError(`profile value ${max} above u32`);
  return max < 0x100 ? 1 : max < 0x10000 ? 2 : max < 0x1000000 ? 3 : 4;
}

function putFixed(out: number[], value: number, width: number): void {
  for (let b = width - 1; b >= 0; b--) out.push(Math.trunc(value / 2 ** (8 * b)) & 0xff);
}

function getFixed(bytes: Uint8Array, at: number, width: number): number {
  let v = 0;
  for (let b = 0; b < width; b++) v = v * 256 + bytes[at + b];
  return v;
}

/**
 * `flex.BaselineProfiles` values: the folded days of one (device, chunk), ascending by day, each
 * as varints `day, present, importChannel`, one byte `width | (imports ? 8 : 0)`, then the present
 * slots' energies, `width` bytes big-endian each, in slot order, then (only when `imports`: some
 * present slot imported) their imports the same way. Fixed-width values let a settlement read the
 * handful of slots its event covers straight from the bytes (`ProfileView`) without decoding the
 * other 20-odd of each day. A generator's hourly day is ≈ 5 + 24 × 2 = 53 bytes, a profile of
 * `baselineLookbackDays` + 2 = 22 days ≈ 1.2 KB. Hand-written (not protobuf): it is only ever read
 * from state this runtime wrote.
 */
export const profileCodec: ValueCodec<ProfileDay[]> = {
  encode(days) {
    const out: number[] = [];
    let previous = -1;
    for (const d of days) {
      if (d.day <= previous) throw new RangeError(`profile days not ascending at ${d.day}`);
      previous = d.day;
      if (d.present >= 1 << PROFILE_CHUNK_INTERVALS || d.importChannel >= 1 << PROFILE_CHUNK_INTERVALS) throw new RangeError("profile mask wider than a chunk");
      const imports = d.importWh.some((v, i) => v > 0 && (d.present & (1 << i)) !== 0);
      const width = Math.max(widthOf(d.energyWh, d.present), imports ? widthOf(d.importWh, d.present) : 1);
      putVarint(out, d.day);
      putVarint(out, d.present);
      putVarint(out, d.importChannel);
      out.push(width | (imports ? 8 : 0));
      for (let i = 0; i < PROFILE_CHUNK_INTERVALS; i++) if ((d.present & (1 << i)) !== 0) putFixed(out, d.energyWh[i], width);
      if (imports) for (let i = 0; i < PROFILE_CHUNK_INTERVALS; i++) if ((d.present & (1 << i)) !== 0) putFixed(out, d.importWh[i], width);
    }
    return Uint8Array.from(out);
  },
  decode(bytes) {
    const view = new ProfileView(bytes);
    return view.days().map((day) => {
      const d = view.day(day) as ProfileDayView;
      const energyWh = new Array<number>(PROFILE_CHUNK_INTERVALS).fill(0);
      const importWh = new Array<number>(PROFILE_CHUNK_INTERVALS).fill(0);
      for (let i = 0; i < PROFILE_CHUNK_INTERVALS; i++) {
        if ((d.present & (1 << i)) === 0) continue;
        energyWh[i] = view.energyWh(d, i);
        importWh[i] = view.importWh(d, i);
      }
      return { day, present: d.present, importChannel: d.importChannel, energyWh, importWh };
    });
  },
};

/** Where one day sits in an encoded profile. */
export interface ProfileDayView {
  present: number;
  importChannel: number;
  width: number;
  /** Offset of the first energy; imports follow the energies, or -1 when none was recorded. */
  energies: number;
  imports: number;
}

/**
 * An encoded profile read in place: the day headers are indexed once (a few varints a day), and a
 * slot's energies are read from their fixed-width bytes when asked for.
 */
export class ProfileView {
  private readonly index = new Map<number, ProfileDayView>();
  private readonly bytes: Uint8Array;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    const at = { pos: 0 };
    let previous = -1;
    while (at.pos < bytes.length) {
      const day = getVarint(bytes, at);
      const present = getVarint(bytes, at);
      const importChannel = getVarint(bytes, at);
      if (day <= previous || present >= 1 << PROFILE_CHUNK_INTERVALS || importChannel >= 1 << PROFILE_CHUNK_INTERVALS || at.pos >= bytes.length) throw new ProfileCodecError(`day header at ${at.pos}`);
      previous = day;
      const flags = bytes[at.pos++];
      const width = flags & 7;
      if (width < 1 || width > 4 || flags > 15) throw new ProfileCodecError(`width byte ${flags}`);
      const span = popcount(present) * width;
      const imports = (flags & 8) !== 0 ? at.pos + span : -1;
      this.index.set(day, { present, importChannel, width, energies: at.pos, imports });
      at.pos += imports === -1 ? span : 2 * span;
      if (at.pos > bytes.length) throw new ProfileCodecError("values past the end");
    }
  }

  /** The days held, ascending. */
  days(): number[] {
    return [...this.index.keys()];
  }

  day(day: number): ProfileDayView | undefined {
    return this.index.get(day);
  }

  /** Slot i's energy; the slot must be present. */
  energyWh(d: ProfileDayView, i: number): number {
    return getFixed(this.bytes, d.energies + popcount(d.present & ((1 << i) - 1)) * d.width, d.width);
  }

  importWh(d: ProfileDayView, i: number): number {
    return d.imports === -1 ? 0 : getFixed(this.bytes, d.imports + popcount(d.present & ((1 << i) - 1)) * d.width, d.width);
  }
}

/** A run of `PROFILE_CHUNK_INTERVALS`-or-fewer intervals of one day: chunk `chunk` of day `day`. */
export interface ProfileUnit {
  day: number;
  chunk: number;
  /** First and last interval (inclusive). */
  from: number;
  to: number;
}

/** Chunks per day: ⌈D / 24⌉ (the last one shorter when D is not a multiple of 24). */
export function chunksPerDay(intervalsPerDay: number): number {
  return Math.ceil(intervalsPerDay / PROFILE_CHUNK_INTERVALS);
}

/** The unit holding interval `t`. */
export function unitOf(t: number, intervalsPerDay: number): ProfileUnit {
  const day = Math.trunc(t / intervalsPerDay);
  const chunk = Math.trunc((t - day * intervalsPerDay) / PROFILE_CHUNK_INTERVALS);
  return unitAt(day, chunk, intervalsPerDay);
}

export function unitAt(day: number, chunk: number, intervalsPerDay: number): ProfileUnit {
  const from = day * intervalsPerDay + chunk * PROFILE_CHUNK_INTERVALS;
  return { day, chunk, from, to: Math.min(from + PROFILE_CHUNK_INTERVALS - 1, day * intervalsPerDay + intervalsPerDay - 1) };
}
