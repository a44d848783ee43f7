/**
 * Who a client is, for the rate-limit whitelist: its socket address, or — behind a reverse
 * proxy, with `--rpc-rate-limit-trust-proxy-headers` — the address the proxy reports, read
 * as Substrate reads it (`Forwarded: for=`, then `X-Forwarded-For`, then `X-Real-IP`).
 */
import { BlockList, isIP } from "node:net";
import type { IncomingHttpHeaders } from "node:http";
import { RpcServerError } from "./serverError.ts";

/** `::ffff:10.0.0.1` → `10.0.0.1`; brackets dropped; otherwise as given. */
function unmapped(address: string): string {
  const a = address.replace(/^\[|\]$/g, "");
  return a.toLowerCase().startsWith("::ffff:") && isIP(a.slice(7)) === 4 ? a.slice(7) : a;
}

function parseCidr(text: string): { address: string; prefix: number; family: "ipv4" | "ipv6" } | null {
  const [address, mask, ...rest] = text.trim().split("/");
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return null;
  const bits = version === 4 ? 32 : 128;
  const prefix = mask === undefined ? bits : /^\d{1,3}$/.test(mask) ? Number(mask) : NaN;
  if (!(prefix >= 0 && prefix <= bits)) return null;
  return { address, prefix, family: version === 4 ? "ipv4" : "ipv6" };
}

/**
 * A predicate over peer addresses matching any of `cidrs` (`10.0.0.0/8`, `2001:db8::/32`, or
 * a bare address). Throws `RPC_INVALID_OPTION` for an entry that is not one.
 */
export function createIpMatcher(cidrs: readonly string[]): (address: string) => boolean {
  if (cidrs.length === 0) return () => false;
  const list = new BlockList();
  for (const text of cidrs) {
    const cidr = parseCidr(text);
    if (!cidr) {
      throw new RpcServerError(
        { code: "RPC_INVALID_OPTION", option: "rpc-rate-limit-whitelisted-ips", value: text },
        `--rpc-rate-limit-whitelisted-ips: ${text} is not an IP address or CIDR block (e.g. 10.0.0.0/8)`,
      );
    }
    list.addSubnet(cidr.address, cidr.prefix, cidr.family);
  }
  return (address) => {
    const a = unmapped(address);
    const version = isIP(a);
    return version !== 0 && list.check(a, version === 4 ? "ipv4" : "ipv6");
  };
}

/** `for=` of the first element of a `Forwarded` header: `for=192.0.2.60`, `for="[2001:db8::17]:4711"`. */
function forwardedFor(value: string): string | null {
  for (const pair of value.split(",")[0].split(";")) {
    const [key, raw] = pair.trim().split("=", 2);
    if (key.toLowerCase() !== "for" || raw === undefined) continue;
    const v = raw.replace(/^"|"$/g, "");
    const bracketed = /^\[([^\]]+)\]/.exec(v);
    if (bracketed) return bracketed[1];
    // An IPv4 address may carry a port; a bare IPv6 address cannot (it must be bracketed then).
    return isIP(v) !== 0 ? v : v.replace(/:\d+$/, "");
  }
  return null;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The client's address as a reverse proxy reports it, or null when no header names a valid IP. */
export function proxiedAddress(headers: IncomingHttpHeaders): string | null {
  const candidates = [
    header(headers, "forwarded") === undefined ? null : forwardedFor(header(headers, "forwarded") as string),
    header(headers, "x-forwarded-for")?.split(",")[0].trim() ?? null,
    header(headers, "x-real-ip")?.trim() ?? null,
  ];
  for (const c of candidates) if (c !== null && isIP(unmapped(c)) !== 0) return unmapped(c);
  return null;
}
