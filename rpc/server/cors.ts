/**
 * Origin checks for browsers. A request with an `Origin` header that the policy does not
 * allow is refused with 403 (HTTP and WebSocket upgrade alike); without the header (curl,
 * node clients) CORS does not apply.
 */
import type { CorsPolicy } from "./options.ts";

interface OriginPattern {
  protocol: string;
  hostname: string;
  /** null: any port (`:*`); "" is the scheme's default port, as `URL` reports it. */
  port: string | null;
}

function parseOrigin(text: string): OriginPattern | null {
  try {
    const url = new URL(text);
    if (url.origin === "null") return null;
    return { protocol: url.protocol, hostname: url.hostname, port: url.port };
  } catch {
    return null;
  }
}

function parsePattern(text: string): OriginPattern | null {
  if (text.endsWith(":*")) {
    const base = parseOrigin(text.slice(0, -2));
    return base && { ...base, port: null };
  }
  return parseOrigin(text);
}

/** Returns a predicate over `Origin` header values; `null` (file://, sandboxed frames) matches only the literal pattern `null`. */
export function createOriginMatcher(policy: CorsPolicy): (origin: string) => boolean {
  if (policy === "all") return () => true;
  const allowsNull = policy.includes("null");
  const patterns = policy.map(parsePattern).filter((p): p is OriginPattern => p !== null);
  return (origin) => {
    if (origin === "null") return allowsNull;
    const o = parseOrigin(origin);
    if (!o) return false;
    return patterns.some((p) => p.protocol === o.protocol && p.hostname === o.hostname && (p.port === null || p.port === o.port));
  };
}
