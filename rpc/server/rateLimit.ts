/**
 * The per-connection call budget behind `--rpc-rate-limit`: a token bucket holding a minute's
 * worth of calls and refilled continuously at `perMinute / 60` calls a second — the quota shape
 * of Substrate's limiter (governor's `Quota::per_minute`), so the same flag value means the same
 * thing, except that a new connection starts with 10 seconds' worth (`FRESH_CONNECTION_SECONDS`).
 * Every call takes one token, each call of a batch included; a call that finds the bucket empty is
 * refused (-32999) without running. Unlike Substrate, which first delays such a call up
 * to ten times, it is refused at once: a waiting call would hold memory and a slot for nothing.
 *
 * Refusing is cheap but not free (the message is still parsed and answered call by call), so a
 * client that ignores -32999 would make the node refuse at wire speed. After a message with
 * refused calls the connection is therefore not read for as long as those calls would have
 * taken to be allowed, up to `MAX_BACKOFF_MS`: TCP backpressure then slows the client instead.
 *
 * Handlers see the limiter as the call's `ctx.budget` (`ConnectionBudget`): a call that carries
 * many items of work (`pog_submitReadings`) costs one call per item (`tryCharge`), and readings whose
 * signature fails draw on a separate allowance (`chargeBadSignatures`) that gates only reading
 * submissions, so a flood of bad signatures is throttled without cutting the connection's queries.
 */
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { TokenBucket } from "../../primitives/tokenBucket.ts";
import { createIpMatcher, proxiedAddress } from "./clientAddress.ts";

/**
 * Longest read pause after refused calls (before the spread of `backoffMs`, up to 1.5 s): a
 * 1,024-call batch refused at 100 calls/s would earn 10 s, but a paused HTTP keep-alive connection
 * is closed by the idle timeout (5 s) and would come back with a fresh budget; 1 s slows such a
 * client 50-fold and keeps it on its spent budget.
 */
const MAX_BACKOFF_MS = 1000;

/**
 * A new connection starts with 10 seconds of calls (1,000 at the default 6,000/min; at least
 * `FRESH_CONNECTION_MIN_CALLS`, at most the whole bucket), not a full minute's bucket, and earns
 * the rest at the rate. Otherwise every (re)connection is a fresh minute of calls at once: 64
 * connections opened to flood with batches got 384,000 calls in their first second, which held
 * the node for seconds (normal clients' p99 4.4× idle). A client that stays connected gets
 * Substrate's full per-minute burst once it has been quiet; limits of up to 100/min start full.
 */
const FRESH_CONNECTION_SECONDS = 10;
const FRESH_CONNECTION_MIN_CALLS = 100;

/**
 * Bad signatures a connection may have answered before its reading submissions are refused
 * (-32999), and the rate at which that allowance comes back. Each bad signature costs the BLS core
 * about three verifications (the failed batch, then the bisection that finds it), ~1.5 ms of a
 * worker, against ~0.05 ms for a good reading verified in a batch. Honest gateways send a bad
 * signature only from a faulty device (a wrong key, a corrupted store): a burst of 100 and one a
 * second sustained is far above that. A connection flooding bad signatures gets one verified a
 * second once it has spent them; 100 such connections (`maxConnections`) cost the core ~0.15 s of
 * one worker a second, and leave the rest to every other submitter. Each burst is bounded by
 * the 1,000 readings a call may carry (`rpc/namespaces/pog.ts`); the debt it leaves is capped at one
 * allowance, so a gateway whose device was misconfigured recovers within 200 s of fixing it.
 */
const BAD_SIGNATURE_ALLOWANCE = 100;
const BAD_SIGNATURES_PER_SECOND = 1;

/** The connection's budget as method handlers see it (`ctx.budget`). */
export interface ConnectionBudget {
  /**
   * Takes `units` more calls from the budget, for a call that carries that much more work, when
   * the budget holds them (or is full, for work larger than the whole bucket, which then leaves it
   * in debt); false, counted as refused for the read backoff, when it does not.
   */
  tryCharge(units: number): boolean;
  /** Counts `count` readings answered BadSignature against the connection's bad-signature allowance. */
  chargeBadSignatures(count: number): void;
  /** Milliseconds until the bad-signature allowance is positive again; 0 when reading submissions may go on. */
  badSignatureWaitMs(): number;
}

export class CallRateLimiter implements ConnectionBudget {
  private readonly perMs: number;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly calls: TokenBucket;
  /** Bad signatures the connection may still have answered (negative: in debt). */
  private readonly badSignatures: TokenBucket;
  /** Calls refused since the last `backoffMs()`. */
  private refused = 0;

  constructor(perMinute: number, now: () => number = () => performance.now(), random: () => number = Math.random) {
    this.perMs = perMinute / 60_000;
    this.now = now;
    this.random = random;
    const t = now();
    const initial = Math.min(perMinute, Math.max(FRESH_CONNECTION_MIN_CALLS, Math.floor((perMinute * FRESH_CONNECTION_SECONDS) / 60)));
    this.calls = new TokenBucket({ capacity: perMinute, perSecond: perMinute / 60, initial }, t);
    this.badSignatures = new TokenBucket({ capacity: BAD_SIGNATURE_ALLOWANCE, perSecond: BAD_SIGNATURES_PER_SECOND, floor: -BAD_SIGNATURE_ALLOWANCE }, t);
  }

  /** Takes one call from the budget; false when it is spent. */
  tryTake(): boolean {
    return this.tryCharge(1);
  }

  tryCharge(units: number): boolean {
    if (this.calls.tryTake(units, this.now())) return true;
    this.refused += units;
    return false;
  }

  chargeBadSignatures(count: number): void {
    this.badSignatures.charge(count, this.now());
  }

  badSignatureWaitMs(): number {
    return this.badSignatures.msUntil(1, this.now());
  }

  /**
   * How long to stop reading the connection for the calls refused since the last call: their
   * refill time, capped, then stretched by a random factor in [1, 1.5). Without the spread, clients
   * refused together (a flood's connections) come back together: 64 keep-alive connections
   * resuming in the same millisecond held the event loop 4–8 ms once a second reading their
   * batches, and every other client waited that long.
   */
  backoffMs(): number {
    if (this.refused === 0) return 0;
    const ms = Math.min(MAX_BACKOFF_MS, Math.ceil(this.refused / this.perMs));
    this.refused = 0;
    return Math.round(ms * (1 + this.random() / 2));
  }
}

export interface RateLimitPolicyOpts {
  /** null: no limit. */
  perMinute: number | null;
  whitelistedIps: readonly string[];
  trustProxyHeaders: boolean;
}

/** Hands each connection its limiter (one per TCP connection, shared by its keep-alive requests), or none when exempt. */
export class RateLimitPolicy {
  private readonly opts: RateLimitPolicyOpts;
  private readonly whitelisted: (address: string) => boolean;
  private readonly limiters = new WeakMap<Socket, CallRateLimiter>();

  constructor(opts: RateLimitPolicyOpts) {
    this.opts = opts;
    this.whitelisted = createIpMatcher(opts.whitelistedIps);
  }

  /** The limiter for the connection `req` came on; null when calls are not limited for it. */
  forRequest(req: IncomingMessage): CallRateLimiter | null {
    const perMinute = this.opts.perMinute;
    if (perMinute === null) return null;
    const address = (this.opts.trustProxyHeaders ? proxiedAddress(req.headers) : null) ?? req.socket.remoteAddress ?? "";
    if (this.whitelisted(address)) return null;
    let limiter = this.limiters.get(req.socket);
    if (!limiter) {
      limiter = new CallRateLimiter(perMinute);
      this.limiters.set(req.socket, limiter);
    }
    return limiter;
  }
}
