import { MessageCodec } from "../primitives/codec/index.ts";
import type { BalancesTransfer, SystemRemark } from "../primitives/codec/arkreen.proto.ts";
import type { ControlAcknowledgeArgs, ControlCancelArgs, ControlSetOperatorArgs, ControlSubmitArgs } from "./modules/control/control.proto.ts";
import type { FlexCreateEventArgs, FlexCreateProgramArgs, FlexEnrolArgs, FlexLeaveArgs, FlexProgramIdArgs, FlexRespondArgs, FlexTopUpArgs } from "./modules/flex/flex.proto.ts";
import type { DevicesAddRegistrarArgs, DevicesDeviceIdArgs, DevicesRegisterArgs, DevicesRemoveRegistrarArgs, DevicesRotateKeyArgs, DevicesTransferOwnershipArgs } from "./modules/devices/devices.proto.ts";
import type { RecsAddIssuerArgs, RecsCancelArgs, RecsCertifyArgs, RecsRejectArgs, RecsRemoveIssuerArgs, RecsRequestArgs, RecsRetireArgs, RecsTransferArgs } from "./modules/recs/recs.proto.ts";
import type { StakingAmountArgs, StakingNoArgs, StakingReportEquivocationArgs, StakingValidateArgs } from "./modules/staking/staking.proto.ts";
import type { SudoSetKeyArgs, SudoSudoArgs } from "./modules/sudo/sudo.proto.ts";
import { controlProto } from "./modules/control/types.ts";
import { devicesProto } from "./modules/devices/types.ts";
import { flexProto } from "./modules/flex/types.ts";
import { recsProto } from "./modules/recs/types.ts";
import { stakingProto } from "./modules/staking/types.ts";
import { sudoProto } from "./modules/sudo/types.ts";

/**
 * Every signed call's name and the codec of its arguments, for clients that build calls without
 * the runtime's dispatch code (runtime/wire.ts, the client library; browsers). The runtime's own
 * table is each module's `calls.ts`; `test/unit/runtime/wireCalls.test.ts` checks that this one
 * names the same calls with the same argument messages.
 */
export interface CallArgsMap {
  "system.remark": SystemRemark;
  "balances.transfer": BalancesTransfer;
  "balances.transferKeepAlive": BalancesTransfer;
  "devices.register": DevicesRegisterArgs;
  "devices.suspend": DevicesDeviceIdArgs;
  "devices.resume": DevicesDeviceIdArgs;
  "devices.terminate": DevicesDeviceIdArgs;
  "devices.transferOwnership": DevicesTransferOwnershipArgs;
  "devices.rotateKey": DevicesRotateKeyArgs;
  "devices.addRegistrar": DevicesAddRegistrarArgs;
  "devices.removeRegistrar": DevicesRemoveRegistrarArgs;
  "staking.bond": StakingAmountArgs;
  "staking.bondExtra": StakingAmountArgs;
  "staking.unbond": StakingAmountArgs;
  "staking.withdrawUnbonded": StakingNoArgs;
  "staking.validate": StakingValidateArgs;
  "staking.chill": StakingNoArgs;
  "staking.reportEquivocation": StakingReportEquivocationArgs;
  "staking.reportBlockEquivocation": StakingReportEquivocationArgs;
  "control.setOperator": ControlSetOperatorArgs;
  "control.submit": ControlSubmitArgs;
  "control.acknowledge": ControlAcknowledgeArgs;
  "control.cancel": ControlCancelArgs;
  "recs.addIssuer": RecsAddIssuerArgs;
  "recs.removeIssuer": RecsRemoveIssuerArgs;
  "recs.request": RecsRequestArgs;
  "recs.certify": RecsCertifyArgs;
  "recs.reject": RecsRejectArgs;
  "recs.cancel": RecsCancelArgs;
  "recs.transfer": RecsTransferArgs;
  "recs.retire": RecsRetireArgs;
  "flex.createProgram": FlexCreateProgramArgs;
  "flex.topUp": FlexTopUpArgs;
  "flex.pause": FlexProgramIdArgs;
  "flex.resume": FlexProgramIdArgs;
  "flex.close": FlexProgramIdArgs;
  "flex.enrol": FlexEnrolArgs;
  "flex.leave": FlexLeaveArgs;
  "flex.createEvent": FlexCreateEventArgs;
  "flex.respond": FlexRespondArgs;
  "sudo.sudo": SudoSudoArgs;
  "sudo.setKey": SudoSetKeyArgs;
}

export type CallName = keyof CallArgsMap;

/** `schema` is the message's root: arkreen.proto's (undefined) or its module's. */
const codec = <T extends object>(typeName: string, schema?: ConstructorParameters<typeof MessageCodec>[1]) => new MessageCodec<T>(typeName, schema);

export const CALL_ARGS: { readonly [K in CallName]: MessageCodec<CallArgsMap[K]> } = {
  "system.remark": codec("SystemRemark"),
  "balances.transfer": codec("BalancesTransfer"),
  "balances.transferKeepAlive": codec("BalancesTransfer"),
  "devices.register": codec("DevicesRegisterArgs", devicesProto),
  "devices.suspend": codec("DevicesDeviceIdArgs", devicesProto),
  "devices.resume": codec("DevicesDeviceIdArgs", devicesProto),
  "devices.terminate": codec("DevicesDeviceIdArgs", devicesProto),
  "devices.transferOwnership": codec("DevicesTransferOwnershipArgs", devicesProto),
  "devices.rotateKey": codec("DevicesRotateKeyArgs", devicesProto),
  "devices.addRegistrar": codec("DevicesAddRegistrarArgs", devicesProto),
  "devices.removeRegistrar": codec("DevicesRemoveRegistrarArgs", devicesProto),
  "staking.bond": codec("StakingAmountArgs", stakingProto),
  "staking.bondExtra": codec("StakingAmountArgs", stakingProto),
  "staking.unbond": codec("StakingAmountArgs", stakingProto),
  "staking.withdrawUnbonded": codec("StakingNoArgs", stakingProto),
  "staking.validate": codec("StakingValidateArgs", stakingProto),
  "staking.chill": codec("StakingNoArgs", stakingProto),
  "staking.reportEquivocation": codec("StakingReportEquivocationArgs", stakingProto),
  "staking.reportBlockEquivocation": codec("StakingReportEquivocationArgs", stakingProto),
  "control.setOperator": codec("ControlSetOperatorArgs", controlProto),
  "control.submit": codec("ControlSubmitArgs", controlProto),
  "control.acknowledge": codec("ControlAcknowledgeArgs", controlProto),
  "control.cancel": codec("ControlCancelArgs", controlProto),
  "recs.addIssuer": codec("RecsAddIssuerArgs", recsProto),
  "recs.removeIssuer": codec("RecsRemoveIssuerArgs", recsProto),
  "recs.request": codec("RecsRequestArgs", recsProto),
  "recs.certify": codec("RecsCertifyArgs", recsProto),
  "recs.reject": codec("RecsRejectArgs", recsProto),
  "recs.cancel": codec("RecsCancelArgs", recsProto),
  "recs.transfer": codec("RecsTransferArgs", recsProto),
  "recs.retire": codec("RecsRetireArgs", recsProto),
  "flex.createProgram": codec("FlexCreateProgramArgs", flexProto),
  "flex.topUp": codec("FlexTopUpArgs", flexProto),
  "flex.pause": codec("FlexProgramIdArgs", flexProto),
  "flex.resume": codec("FlexProgramIdArgs", flexProto),
  "flex.close": codec("FlexProgramIdArgs", flexProto),
  "flex.enrol": codec("FlexEnrolArgs", flexProto),
  "flex.leave": codec("FlexLeaveArgs", flexProto),
  "flex.createEvent": codec("FlexCreateEventArgs", flexProto),
  "flex.respond": codec("FlexRespondArgs", flexProto),
  "sudo.sudo": codec("SudoSudoArgs", sudoProto),
  "sudo.setKey": codec("SudoSetKeyArgs", sudoProto),
};
