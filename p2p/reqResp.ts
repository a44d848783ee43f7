import * as lp from "it-length-prefixed";
import type { Libp2p, PeerId, Stream } from "@libp2p/interface";
import { NetworkError } from "./errors.ts";

/**
 * One request/response exchange over a fresh stream, Substrate's request-response behaviour: the
 * requester writes one length-prefixed request and closes its writable end; the responder writes
 * zero or more length-prefixed items and closes. Both sides bound every frame, the number of items
 * and the total bytes, so neither can be made to buffer without limit.
 */

export interface ResponseLimits {
  maxItems: number;
  maxItemBytes: number;
  maxTotalBytes: number;
}

export interface RequestOpts extends ResponseLimits {
  timeoutMs: number;
}

/** Sends `request` to `peer` and collects the response items; throws `REQUEST_TIMEOUT` or `BAD_RESPONSE`. */
export async function sendRequest(libp2p: Libp2p, peer: PeerId, protocol: string, request: Uint8Array, opts: RequestOpts): Promise<Uint8Array[]> {
  const signal = AbortSignal.timeout(opts.timeoutMs);
  const badResponse = (reason: string): NetworkError => new NetworkError({ code: "BAD_RESPONSE", peer: peer.toString(), protocol, reason });
  let stream: Stream | undefined;
  try {
    stream = await libp2p.dialProtocol(peer, protocol, { signal });
    const opened = stream;
    signal.addEventListener("abort", () => opened.abort(new Error("request timed out")), { once: true });
    const items: Uint8Array[] = [];
    let total = 0;
    // Iterate before writing: the iterator's listeners must be in place when the answer arrives.
    const reading = (async () => {
      for await (const frame of lp.decode(opened, { maxDataLength: opts.maxItemBytes })) {
        total += frame.byteLength;
        if (items.length >= opts.maxItems) throw badResponse(`more than ${opts.maxItems} items`);
        if (total > opts.maxTotalBytes) throw badResponse(`more than ${opts.maxTotalBytes} bytes`);
        items.push(frame.subarray());
      }
    })();
    opened.send(lp.encode.single(request));
    await opened.close({ signal });
    await reading;
    return items;
  } catch (error) {
    stream?.abort(error instanceof Error ? error : new Error(String(error)));
    if (signal.aborted) throw new NetworkError({ code: "REQUEST_TIMEOUT", peer: peer.toString(), protocol, timeoutMs: opts.timeoutMs });
    if (error instanceof NetworkError) throw error;
    if (error instanceof Error && error.name === "UnsupportedProtocolError") throw new NetworkError({ code: "PROTOCOL_UNSUPPORTED", peer: peer.toString(), protocol });
    throw badResponse(error instanceof Error ? error.message : String(error));
  }
}

/**
 * Reads the one request frame of an inbound stream. Must be called before the handler awaits
 * anything else, so the stream's listeners are in place before the request bytes arrive.
 */
export async function readRequest(stream: Stream, maxBytes: number, timeoutMs: number): Promise<Uint8Array> {
  const timer = setTimeout(() => stream.abort(new Error("request read timed out")), timeoutMs);
  try {
    for await (const frame of lp.decode(stream, { maxDataLength: maxBytes })) return frame.subarray();
    throw new NetworkError({ code: "BAD_REQUEST", reason: "stream ended before the request" });
  } finally {
    clearTimeout(timer);
  }
}

/** Writes the response items and closes the writable end, waiting for the transport when its buffer is full. */
export async function writeResponse(stream: Stream, items: Iterable<Uint8Array>, timeoutMs: number): Promise<void> {
  const signal = AbortSignal.timeout(timeoutMs);
  for (const item of items) {
    if (!stream.send(lp.encode.single(item))) await stream.onDrain({ signal });
  }
  await stream.close({ signal });
}
