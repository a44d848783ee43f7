/**
 * Shape check run on raw request text before `JSON.parse`, in one linear, non-recursive pass that
 * stops at the first problem. Parsing is the costly part of a large message (`JSON.parse` of a
 * 6 MB array of 3,000,000 numbers takes 120–250 ms on the 2-core machine, and every handler, log
 * line and `JSON.stringify` of an echoed param then walks what it built), so what parsing would
 * cost is refused up front, where it costs next to nothing:
 *
 * - nesting deeper than `maxDepth` (`[[[[…` 100,000 deep parses fine in V8 but then costs every
 *   recursive consumer its stack);
 * - a batch (a top-level array) of more than `maxBatchLength` calls;
 * - more than `maxValues` array elements and object members in the whole message.
 *
 * Brackets and commas inside strings do not count. Malformed text is left to the parser.
 */
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;

export interface JsonShapeLimits {
  maxDepth: number;
  maxBatchLength: number;
  maxValues: number;
}

export type JsonShapeProblem = "depth" | "batch" | "values";

/** Index of the quote closing the string opened at `open`, or -1. Skips escaped quotes (odd run of backslashes before). */
function closingQuote(text: string, open: number): number {
  for (let q = text.indexOf('"', open + 1); q !== -1; q = text.indexOf('"', q + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(q - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return q;
  }
  return -1;
}

/**
 * The first limit `text` breaks, or null. Values are counted as commas plus containers (a
 * container of n entries holds n − 1 commas), so the count stops the pass after about
 * `maxValues` entries of whatever size the message is.
 */
export function jsonShapeProblem(text: string, limits: JsonShapeLimits): JsonShapeProblem | null {
  const batch = text.trimStart().charCodeAt(0) === OPEN_ARRAY;
  let depth = 0;
  let values = 0;
  let batchCommas = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // Strings are skipped with native indexOf: a 15 MiB string param costs ~1 ms, not a JS loop over it.
      i = closingQuote(text, i);
      if (i === -1) return null;
    } else if (c === COMMA) {
      if (++values > limits.maxValues) return "values";
      // A batch of n calls holds n − 1 commas at its top level.
      if (batch && depth === 1 && ++batchCommas >= limits.maxBatchLength) return "batch";
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > limits.maxDepth) return "depth";
      if (++values > limits.maxValues) return "values";
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      depth--;
    }
  }
  return null;
}
