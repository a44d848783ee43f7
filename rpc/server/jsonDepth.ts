/**
 * Nesting check run on raw request text before `JSON.parse`. A request of 100,000 `[`
 * parses fine in V8 but then costs every recursive consumer (handlers, `JSON.stringify` of
 * echoed params, loggers) its stack; refusing it up front with one linear, non-recursive
 * pass keeps all of them safe. Brackets inside strings do not count.
 */
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;

/** Index of the quote closing the string opened at `open`, or -1. Skips escaped quotes (odd run of backslashes before). */
function closingQuote(text: string, open: number): number {
  for (let q = text.indexOf('"', open + 1); q !== -1; q = text.indexOf('"', q + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(q - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return q;
  }
  return -1;
}

/** True when `text` nests arrays/objects more than `maxDepth` levels deep. Malformed text is left to the parser. */
export function exceedsJsonDepth(text: string, maxDepth: number): boolean {
  if (text.length <= maxDepth) return false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // Strings are skipped with native indexOf: a 15 MiB string param costs ~1 ms, not a JS loop over it.
      i = closingQuote(text, i);
      if (i === -1) return false;
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > maxDepth) return true;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      depth--;
    }
  }
  return false;
}
