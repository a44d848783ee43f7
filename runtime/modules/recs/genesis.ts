import { bigintToBytes, utf8 } from "../../../primitives/bytes.ts";
import { config as read, GenesisConfigError } from "../../framework/genesisConfig.ts";
import type { ModuleGenesis } from "../../framework/module.ts";
import { MAX_ISSUER_NAME_BYTES } from "./config.ts";
import { Config, Issuers } from "./storage.ts";

/** `recs` section: `{ issuers: [[address, name], ...], requestFee: "<AKRE base units>" }`. */
export const recsGenesis: ModuleGenesis = {
  build(state, section) {
    const s = read.object(section, "recs");
    Config.set(state, { requestFee: bigintToBytes(read.amount(s.requestFee, "recs.requestFee")) });
    read.array(s.issuers, "recs.issuers").forEach((entry, i) => {
      const [who, name] = read.array(entry, `recs.issuers[${i}]`);
      const field = `recs.issuers[${i}][1]`;
      const bytes = utf8(read.string(name, field)).length;
      if (bytes === 0 || bytes > MAX_ISSUER_NAME_BYTES) throw new GenesisConfigError(field, `expected a name of 1 to ${MAX_ISSUER_NAME_BYTES} bytes`);
      Issuers.set(state, read.account(who, `recs.issuers[${i}][0]`), { name: name as string });
    });
  },
};

/** Dev and local chains: `issuer` is the "Dev issuer"; a request escrows 1 AKRE. */
export function recsDevSection(issuer: string): Record<string, unknown> {
  return { issuers: [[issuer, "Dev issuer"]], requestFee: (10n ** 18n).toString() };
}
