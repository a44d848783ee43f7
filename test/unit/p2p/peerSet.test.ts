import assert from "node:assert/strict";
import { multiaddr } from "@multiformats/multiaddr";
import { isPrivateAddress } from "../../../p2p/peerSet.ts";

describe("p2p: which addresses --no-private-ip refuses to dial", () => {
  const cases: Array<[string, boolean]> = [
    ["/ip4/10.1.2.3/tcp/30333", true],
    ["/ip4/127.0.0.1/tcp/30333", true],
    ["/ip4/192.168.1.5/tcp/30333", true],
    ["/ip4/100.64.0.1/tcp/30333", true],
    ["/ip4/224.0.0.251/tcp/30333", true],
    ["/ip6/::1/tcp/30333", true],
    ["/ip6/fe80::1/tcp/30333", true],
    ["/ip6/fd00::1/tcp/30333", true],
    ["/ip6/::ffff:10.0.0.1/tcp/30333", true],
    ["/ip6/::ffff:127.0.0.1/tcp/30333", true],
    ["/ip6/2002:a00:1::1/tcp/30333", true],
    ["/ip6/64:ff9b::a00:1/tcp/30333", true],
    ["/ip6/ff02::1/tcp/30333", true],
    ["/ip4/8.8.8.8/tcp/30333", false],
    ["/ip6/2001:4860:4860::8888/tcp/30333", false],
    ["/ip6/::ffff:8.8.8.8/tcp/30333", false],
    ["/dns4/example.org/tcp/30333", false],
  ];
  for (const [address, isPrivate] of cases) {
    it(`${address}: ${isPrivate ? "private" : "public"}`, () => assert.equal(isPrivateAddress(multiaddr(address)), isPrivate));
  }
});
