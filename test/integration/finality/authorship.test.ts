import { strict as assert } from "node:assert";
import { toHex } from "../../../primitives/bytes.ts";
import { devKeypair } from "../../../primitives/keys/devAccounts.ts";
import { sealedSlot } from "../../../primitives/seal.ts";
import { decodeSigners } from "../../../primitives/finality/signerBitfield.ts";
import { finalityJustificationCodec } from "../../../primitives/finality/vote.ts";
import { headerHash } from "../../../node/chain/chain.ts";
import { finalitySetAt } from "../../../node/finality/voterSets.ts";
import { blockAuthorship } from "../../../rpc/namespaces/authorship.ts";
import type { RpcNodeApi } from "../../../rpc/nodeApi.ts";
import { summarizeAuthorship } from "../../../client/authorship.ts";
import { BlockAuthor, buildGenesisBlock, localSpec, openValidator, VALIDATORS, VoteHub, waitFor, type Validator } from "./harness.ts";

/**
 * `chain_getAuthorship`'s reading of a BLS-finalized chain: four validators (the `local` preset)
 * author in turn and finalize with the gadget; Dave then stops voting and the other three finalize
 * on. Each block's author must be its slot's validator, and each stored justification's signers
 * exactly its bitfield's over the staking set — without Dave once he stopped.
 */
describe("chain_getAuthorship over a 4-validator chain finalized by the BLS gadget", function () {
  this.timeout(30_000);
  const genesis = buildGenesisBlock(localSpec());
  let validators: Validator[] = [];
  const author = new BlockAuthor(VALIDATORS);

  async function produce(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const block = author.build(validators[0].chain, validators[0].executive);
      for (const v of validators) await v.chain.importBlock(block, "network");
    }
  }

  before(async () => {
    const hub = new VoteHub();
    for (const name of VALIDATORS) validators.push(await openValidator(genesis, name, hub));
    for (const v of validators) await v.service.start();
  });
  after(async () => {
    for (const v of validators) await v.service.stop();
    for (const v of validators) await v.close();
    validators = [];
  });

  it("names each block's slot author and each justification's signers; a stopped validator's participation drops", async () => {
    await produce(4);
    await waitFor(() => validators.every((v) => v.chain.finalized.number === 4), 15_000, "every validator finalizes #4");
    const dave = validators[3];
    await dave.service.stop();
    dave.hub.members.splice(dave.hub.members.indexOf(dave), 1);
    validators.splice(3, 1);
    await produce(4);
    await waitFor(() => validators.every((v) => v.chain.finalized.number === 8), 15_000, "three of four finalize #8");

    const chain = validators[0].chain;
    const api = { chain } as unknown as RpcNodeApi;
    const set = finalitySetAt(chain, genesis.hash);
    assert.ok(set !== null && set.authorities.length === 4);
    const accounts = VALIDATORS.map((n) => toHex(devKeypair(n).publicKey));
    const blocks = [];
    for (let n = 1; n <= 8; n++) {
      const hash = chain.hashAt(n) as Uint8Array;
      const header = chain.header(hash)!;
      const b = blockAuthorship(api, n, hash, header);
      blocks.push(b);
      const slot = sealedSlot(header);
      assert.equal(b.slot, slot.toString());
      assert.equal(b.author, accounts[Number(slot % 4n)], `#${n}: the slot's validator`);
      const stored = chain.justification(hash);
      assert.equal(b.justification !== null, stored !== undefined, `#${n}: a justification where the chain stores one`);
      if (stored) {
        const j = finalityJustificationCodec.decode(stored.data);
        const signers = decodeSigners(j.signers, 4)!.map((i) => accounts[i]);
        assert.deepEqual(b.justification, { engine: "bfin", setId: j.setId, round: Number(j.round), signers });
        if (n > 4) assert.ok(!signers.includes(accounts[3]), `#${n}: Dave stopped voting`);
      }
    }
    assert.equal(toHex(headerHash(chain.header(chain.hashAt(8) as Uint8Array)!)), blocks[7].hash);
    const summary = summarizeAuthorship(blocks);
    assert.equal(summary.blocks, 8);
    assert.deepEqual(summary.engines, ["bfin"]);
    assert.ok(summary.justifications >= 2, "#4 and #8 at least");
    const participation = new Map(summary.validators.map((v) => [v.account, v.signed]));
    assert.ok((participation.get(accounts[3]) ?? 0) < summary.justifications, "Dave signed fewer than all");
    assert.equal(summary.validators.reduce((s, v) => s + v.authored, 0), 8);
  });
});
