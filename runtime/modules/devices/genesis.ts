import { config as read } from "../../framework/genesisConfig.ts";
import type { ModuleGenesis } from "../../framework/module.ts";
import { Registrars } from "./storage.ts";

/** `devices` section: `{ registrars: [[address, name], ...] }`. */
export const devicesGenesis: ModuleGenesis = {
  build(state, section) {
    const s = read.object(section, "devices");
    read.array(s.registrars, "devices.registrars").forEach((entry, i) => {
      const [who, name] = read.array(entry, `devices.registrars[${i}]`);
      Registrars.set(state, read.account(who, `devices.registrars[${i}][0]`), { name: read.string(name, `devices.registrars[${i}][1]`, { maxLength: 64 }) });
    });
  },
};

export function devicesDevSection(registrar: string): Record<string, unknown> {
  return { registrars: [[registrar, "Dev registrar"]] };
}
