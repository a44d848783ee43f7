import assert from "node:assert/strict";
import { fromHex, toHex, utf8 } from "../../../../primitives/bytes.ts";
import { sign, verify } from "../../../../primitives/keys/ed25519.ts";
import { SecretUriError } from "../../../../primitives/keys/errors.ts";
import { encodeAddress } from "../../../../primitives/keys/ss58.ts";
import { DEV_PHRASE, junctionChainCode, keypairFromSuri, miniSecretFromPhrase, parseSecretUri } from "../../../../primitives/keys/suri.ts";

function assertSuriError(fn: () => unknown, code: string): void {
  assert.throws(fn, (error: unknown) => error instanceof SecretUriError && error.code === code);
}

describe("secret URIs", () => {
  describe("parseSecretUri (sp-core AddressUri cases)", () => {
    it("splits phrase, soft and hard junctions and password", () => {
      const uri = parseSecretUri("sdasd/xx//a/b//c///pass");
      assert.equal(uri.phrase, "sdasd");
      assert.deepEqual(
        uri.junctions.map((j) => [j.hard, j.text]),
        [
          [false, "xx"],
          [true, "a"],
          [false, "b"],
          [true, "c"],
        ],
      );
      assert.equal(uri.password, "pass");
    });

    it("uses the dev phrase when the URI starts with a slash", () => {
      assert.equal(parseSecretUri("//Alice").phrase, DEV_PHRASE);
      assert.deepEqual(parseSecretUri("///").password, "");
      assert.equal(parseSecretUri("////////").password, "/////");
      assert.equal(parseSecretUri("sdasd//asd.a").junctions[0].text, "asd.a");
      assert.equal(parseSecretUri("word").password, undefined);
    });

    it("rejects malformed URIs with INVALID_FORMAT", () => {
      for (const bad of ["sdasd//", "sdasd/", "sdasd/xx//", "sdasd.", "sd.asd/asd.a", "///a\n", "sd asd///asd.a\n"]) {
        assertSuriError(() => parseSecretUri(bad), "INVALID_FORMAT");
      }
    });
  });

  describe("junction chain codes", () => {
    it("encodes numbers as u64 little-endian and strings SCALE-prefixed, zero-padded to 32 bytes", () => {
      assert.equal(toHex(junctionChainCode("0")), "0x" + "00".repeat(32));
      assert.equal(toHex(junctionChainCode("258")), "0x0201" + "00".repeat(30));
      assert.equal(toHex(junctionChainCode("Alice")), "0x14416c696365" + "00".repeat(26));
    });

    it("parses numbers as Rust's u64 does: leading + and zeros allowed, overflow is a string", () => {
      assert.deepEqual(junctionChainCode("+7"), junctionChainCode("7"));
      assert.deepEqual(junctionChainCode("007"), junctionChainCode("7"));
      assert.equal(toHex(junctionChainCode("18446744073709551615")), "0x" + "ff".repeat(8) + "00".repeat(24));
      // 2^64 does not fit: SCALE string, compact length 20 (0x50) then the ASCII digits.
      assert.equal(toHex(junctionChainCode("18446744073709551616")), toHex(Uint8Array.of(0x50, ...utf8("18446744073709551616"), ...new Uint8Array(11))));
    });

    it("hashes encodings longer than 32 bytes", () => {
      const long = "a".repeat(40);
      assert.equal(junctionChainCode(long).length, 32);
      assert.notDeepEqual(junctionChainCode(long), junctionChainCode("a".repeat(41)));
    });
  });

  describe("mnemonic → mini-secret (substrate-bip39 vectors, password \"Substrate\")", () => {
    it("derives from the phrase's entropy, not BIP39's seed", () => {
      const abandon = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
      assert.equal(toHex(miniSecretFromPhrase(abandon, "Substrate")), "0x44e9d125f037ac1d51f0a7d3649689d422c2af8b1ec8e00d71db4d7bf6d127e3");
      const legal = "legal winner thank year wave sausage worth useful legal winner thank yellow";
      assert.equal(toHex(miniSecretFromPhrase(legal, "Substrate")), "0x4313249608fe8ac10fd5886c92c4579007272cb77c21551ee5b8d60b78041685");
    });

    it("tolerates extra whitespace as Substrate's bip39 does", () => {
      assert.deepEqual(miniSecretFromPhrase(`  ${DEV_PHRASE.replaceAll(" ", "   ")} `), miniSecretFromPhrase(DEV_PHRASE));
    });

    it("rejects invalid phrases without putting words in the error", () => {
      const cases = ["abandon ".repeat(12).trim(), "bottom drive obey lake curtail smoke basket hold race lonely fit walk", "too few words"];
      for (const phrase of cases) {
        assert.throws(
          () => miniSecretFromPhrase(phrase),
          (error: unknown) => error instanceof SecretUriError && error.code === "INVALID_PHRASE" && !/curtail|abandon|few/.test(error.message + JSON.stringify(error.toObject())),
        );
      }
    });
  });

  describe("keypairFromSuri (ed25519)", () => {
    it("derives Substrate's //Alice and //Bob", () => {
      const alice = keypairFromSuri("//Alice");
      assert.equal(toHex(alice.publicKey), "0x88dc3417d5058ec4b4503e0c12ea1a0a89be200fe98922423d4334014fa6b0ee");
      assert.equal(encodeAddress(alice.publicKey, 42), "5FA9nQDVg267DEd8m1ZypXLBnvN7SFxYwV7ndqSYGiN9TTpu");
      const bob = keypairFromSuri("//Bob");
      assert.equal(toHex(bob.publicKey), "0xd17c2d7823ebf260fd138f2d7e27d114c0145d968b5ff5006125f2414fadae69");
      assert.deepEqual(keypairFromSuri(`${DEV_PHRASE}//Alice`), alice);
    });

    it("salts the phrase with ///password; an explicit password overrides it (sp-core default_phrase_should_be_used)", () => {
      const withUriPassword = keypairFromSuri("//Alice///password");
      assert.deepEqual(withUriPassword, keypairFromSuri(`${DEV_PHRASE}//Alice`, "password"));
      assert.notDeepEqual(withUriPassword.publicKey, keypairFromSuri("//Alice").publicKey);
      assert.deepEqual(keypairFromSuri("//Alice///other", "password"), withUriPassword);
    });

    it("takes a 0x-hex seed as the root and ignores passwords for it", () => {
      const seed = "0x9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
      const root = keypairFromSuri(seed);
      assert.equal(toHex(root.publicKey), "0xd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
      assert.deepEqual(keypairFromSuri(`${seed}///ignored`), root);
      assert.notDeepEqual(keypairFromSuri(`${seed}//stash`).publicKey, root.publicKey);
      // //Alice is the dev phrase's mini-secret, then one hard step.
      const devSeed = toHex(miniSecretFromPhrase(DEV_PHRASE));
      assert.deepEqual(keypairFromSuri(`${devSeed}//Alice`), keypairFromSuri("//Alice"));
    });

    it("treats numeric junctions as numbers", () => {
      assert.deepEqual(keypairFromSuri("//0"), keypairFromSuri("//00"));
      assert.deepEqual(keypairFromSuri("//0"), keypairFromSuri("//+0"));
      assert.notDeepEqual(keypairFromSuri("//0").publicKey, keypairFromSuri("//1").publicKey);
    });

    it("refuses soft junctions, bad seeds and bad phrases with typed errors", () => {
      assertSuriError(() => keypairFromSuri("//Alice/soft"), "SOFT_JUNCTION");
      assertSuriError(() => keypairFromSuri("0x1234"), "INVALID_SEED");
      assertSuriError(() => keypairFromSuri("0xzz"), "INVALID_SEED");
      assertSuriError(() => keypairFromSuri("not a phrase//Alice"), "INVALID_PHRASE");
      assertSuriError(() => keypairFromSuri("//"), "INVALID_FORMAT");
    });

    it("yields keys that sign and verify", () => {
      const keypair = keypairFromSuri("//Charlie//stash");
      const message = utf8("bond 100 AKRE");
      assert.equal(verify(keypair.publicKey, message, sign(keypair.secretSeed, message)), true);
      assert.equal(verify(fromHex(toHex(keypair.publicKey)), utf8("bond 101 AKRE"), sign(keypair.secretSeed, message)), false);
    });
  });
});
