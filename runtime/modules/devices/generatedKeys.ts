import { aggregatePublicKeys, SecretKey, type PublicKey } from "@chainsafe/blst";
import { bigintToBytes, bytesToBigint } from "../../../primitives/bytes.ts";
import type { BlsKeypair } from "../../../primitives/blsKeys.ts";

/*
 * Keys of the devices a chain spec's `devices.generated` section registers at genesis (load tests,
 * the `scale` benchmark): a million devices must be built in seconds, and a BLS key generation
 * (EIP-2333 KeyGen, then a scalar multiplication) costs ~85 µs, 85 s for a million. So only the
 * first key is generated; the others follow it by one step of the group:
 *
 *   sk_0 = KeyGen(seed)                 (EIP-2333, as blsKeypairFromSeed)
 *   sk_i = sk_0 + i  (mod r)            r: the order of BLS12-381's G1
 *   pk_i = sk_i · G1 = pk_{i-1} + G1    one point addition (~6 µs with the compression)
 *
 * Every key is a valid, distinct G1 point of the prime-order subgroup (sk_i ≠ 0 is checked), and
 * its secret is known to whoever knows the seed: a benchmark signs the readings of any generated
 * device with `generatedDeviceKeypair(seed, i)`. The secrets are related by construction, which is
 * why this is for test and benchmark chains only: anyone who learns one generated secret learns
 * them all.
 */

/** The order r of the BLS12-381 groups. */
const CURVE_ORDER = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001n;
const SECRET_KEY_LENGTH = 32;

/** The generator of G1 as a public key: the key of secret 1. */
function generator(): PublicKey {
  const one = new Uint8Array(SECRET_KEY_LENGTH);
  one[SECRET_KEY_LENGTH - 1] = 1;
  return SecretKey.fromBytes(one).toPublicKey();
}

function firstSecret(seed: Uint8Array): bigint {
  return bytesToBigint(SecretKey.fromKeygen(seed).toBytes());
}

/**
 * Refuses a range whose keys would include the point at infinity: sk_i = 0 only for
 * i = r - sk_0, past any u32 index unless sk_0 lies within 2^32 of r — astronomically unlikely
 * for a KeyGen output, refused rather than assumed.
 */
function checkRange(sk0: bigint, count: number): void {
  if (count > 0 && CURVE_ORDER - sk0 <= BigInt(count - 1)) throw new RangeError(`generated device ${CURVE_ORDER - sk0}: its secret key would be zero`);
}

function toSecretBytes(scalar: bigint): Uint8Array {
  const raw = bigintToBytes(scalar);
  const out = new Uint8Array(SECRET_KEY_LENGTH);
  out.set(raw, SECRET_KEY_LENGTH - raw.length);
  return out;
}

/** The keypair of generated device `index` (0-based within the section) of `seed`: sk_0 + index. */
export function generatedDeviceKeypair(seed: Uint8Array, index: number): BlsKeypair {
  const sk0 = firstSecret(seed);
  checkRange(sk0, index + 1);
  const sk = SecretKey.fromBytes(toSecretBytes((sk0 + BigInt(index)) % CURVE_ORDER));
  return { secretKey: sk.toBytes(), publicKey: sk.toPublicKey().toBytes(true) };
}

/**
 * The compressed public keys of generated devices 0..count-1 of `seed`, one at a time (each
 * a point addition from the previous one), without their secrets.
 */
export function* generatedDevicePublicKeys(seed: Uint8Array, count: number): Generator<Uint8Array> {
  if (count === 0) return;
  checkRange(firstSecret(seed), count);
  const step = generator();
  let key = SecretKey.fromKeygen(seed).toPublicKey();
  for (let i = 0; i < count; i++) {
    if (i > 0) key = aggregatePublicKeys([key, step]);
    yield key.toBytes(true);
  }
}
