/**
 * The vpp benchmark's state builder (benchmarks/scenarios/vpp.ts) stands for the real path: the
 * profiles it writes directly are, entry by entry, what crediting every day to pog's pages and
 * folding them with the fold itself (`foldUnit`) makes, and the rest of the state is the same.
 */
import { strict as assert } from "node:assert";
import { toHex } from "../../../../../primitives/bytes.ts";
import { MerkleTrie } from "../../../../../primitives/trie/trie.ts";
import { buildVppState } from "../../../../../benchmarks/scenarios/vpp.ts";
import { BaselineProfiles } from "../../../../../runtime/modules/flex/storage.ts";
import { ExpiryQueue, ExpiryTail } from "../../../../../runtime/modules/pog/storage.ts";

describe("benchmarks: the vpp state builder", function () {
  this.timeout(120_000);

  it("writes the profiles that crediting every day and folding it would, and the same state otherwise", () => {
    const direct = buildVppState(4, "profile");
    const real = buildVppState(4, "pages");
    const a = new MerkleTrie(direct.header.stateRoot, direct.store);
    const b = new MerkleTrie(real.header.stateRoot, real.store);
    for (let d = 0; d < 4; d++) {
      const raw = a.get(BaselineProfiles.key(d, 0));
      assert.ok(raw && raw.length > 0);
      assert.equal(toHex(raw), toHex(b.get(BaselineProfiles.key(d, 0)) as Uint8Array), `device ${d}'s profile`);
      assert.equal(BaselineProfiles.get(a, d, 0)?.length, direct.keepDays);
    }
    // Every entry of the direct build is in the real one with the same bytes; the real one has the
    // earlier days' pages besides (and so its pages' expiry queue holds more, in another order).
    const queue = [toHex(ExpiryQueue.prefix), toHex(ExpiryTail.key)];
    const real_ = new Map<string, string>();
    for (const [k, v] of b.entries()) real_.set(toHex(k), toHex(v));
    let entries = 0;
    for (const [k, v] of a.entries()) {
      if (queue.some((q) => toHex(k).startsWith(q))) continue;
      entries++;
      assert.equal(real_.get(toHex(k)), toHex(v), `entry ${toHex(k).slice(0, 80)}`);
    }
    assert.ok(entries > 0 && real_.size > entries);
  });
});
