import assert from "node:assert/strict";
import { bls12_381 } from "@noble/curves/bls12-381.js";
import { BLS_DST, BlsVerifierError, createBlsVerifier } from "../../../../primitives/bls/index.ts";
import { createLogger } from "../../../../primitives/logger.ts";
import { nullLogger } from "../../../../primitives/logger.ts";
import { message, validSets } from "./fixtures.ts";

const noNative = (): Promise<never> => Promise.reject(new Error("simulated: no prebuilt binary for this platform"));

describe("BLS backend selection", function () {
  it("falls back to WASM with a warning when the native binding cannot load", async function () {
    const lines: string[] = [];
    const logger = createLogger({ level: "info", format: "human", write: (line) => lines.push(line) });
    const verifier = await createBlsVerifier({ mode: "single-thread" }, { logger, metrics: null, importNative: noNative });
    try {
      assert.deepEqual(await verifier.verifySignatureSets(validSets(3)), [true, true, true]);
      const warning = lines.find((l) => l.includes("WARN") && l.includes("WASM fallback"));
      assert.ok(warning, `a warning names the fallback; got:\n${lines.join("\n")}`);
      assert.match(warning, /simulated: no prebuilt binary/);
      assert.ok(lines.some((l) => l.includes("backend=herumi-wasm")));
    } finally {
      await verifier.close();
    }
  });

  it("uses the native binding without a warning when it loads", async function () {
    const lines: string[] = [];
    const logger = createLogger({ level: "info", format: "human", write: (line) => lines.push(line) });
    const verifier = await createBlsVerifier({ mode: "single-thread" }, { logger, metrics: null });
    await verifier.close();
    assert.ok(lines.some((l) => l.includes("backend=blst-native")));
    assert.ok(!lines.some((l) => l.includes("WARN")));
  });

  it("fails with BLS_BACKEND_UNAVAILABLE when the native binding is required and missing", async function () {
    await assert.rejects(
      createBlsVerifier({ mode: "single-thread", backend: "blst-native" }, { logger: nullLogger(), metrics: null, importNative: noNative }),
      (error: unknown) => error instanceof BlsVerifierError && error.code === "BLS_BACKEND_UNAVAILABLE",
    );
  });
});

describe("BLS ciphersuite", function () {
  // Signed by an independent implementation (noble), so the DST is pinned from outside.
  const sk = bls12_381.utils.randomSecretKey();
  const publicKey = bls12_381.longSignatures.getPublicKey(sk).toBytes(true);
  const msg = message(42);
  const signWith = (dst: string): Uint8Array =>
    bls12_381.longSignatures.Signature.toBytes(bls12_381.longSignatures.sign(bls12_381.longSignatures.hash(msg, dst), sk));

  for (const backend of ["blst-native", "herumi-wasm"] as const) {
    it(`${backend} uses Ethereum's proof-of-possession DST, ${BLS_DST}`, async function () {
      const verifier = await createBlsVerifier({ mode: "single-thread", backend }, { logger: nullLogger(), metrics: null });
      try {
        const results = await verifier.verifySignatureSets([
          { publicKey, message: msg, signature: signWith(BLS_DST) },
          { publicKey, message: msg, signature: signWith("BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_NUL_") },
        ]);
        assert.deepEqual(results, [true, false]);
      } finally {
        await verifier.close();
      }
    });
  }
});
