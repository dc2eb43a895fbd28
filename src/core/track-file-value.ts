/**
 * The number a track file holds, read as keepalived reads it (keepalived.conf(5) "Track
 * files"): strtol(first 127 bytes, base 0) — leading blanks, a sign, 0x hex or 0 octal,
 * anything after the digits ignored; no digits (an empty file, garbage) is 0. A number
 * outside [−2^31, 2^31] (or beyond strtol's range) makes keepalived ignore the read and keep
 * the previous value. Pure; used by the VRRP child's track_file and the checker's FILE_CHECK.
 */
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** `invalid`: out of range; `text` is what the file said (trimmed), `number` strtol's reading of it as keepalived logs it. */
export type TrackFileValue = { readonly type: 'value'; readonly value: number } | { readonly type: 'invalid'; readonly text: string; readonly number: string };

const LONG_MAX = 2n ** 63n - 1n;
const LONG_MIN = -(2n ** 63n);

const SPACE = new Set([' ', '\t', '\n', '\v', '\f', '\r']);

/** strtol(text, NULL, 0) as keepalived applies it to the first 127 bytes of the file. */
export function parseTrackFileValue(raw: string): TrackFileValue {
  const text = raw.slice(0, 127);
  let i = 0;
  while (i < text.length && SPACE.has(text[i]!)) i++;
  let neg = false;
  if (text[i] === '+' || text[i] === '-') {
    neg = text[i] === '-';
    i++;
  }
  let base = 10;
  if (text[i] === '0') {
    if ((text[i + 1] === 'x' || text[i + 1] === 'X') && /[0-9a-fA-F]/.test(text[i + 2] ?? '')) {
      base = 16;
      i += 2;
    } else base = 8;
  }
  let n = 0n;
  let digits = 0;
  for (; i < text.length; i++) {
    const d = parseInt(text[i]!, base);
    if (Number.isNaN(d)) break;
    n = n * BigInt(base) + BigInt(d);
    digits++;
  }
  if (digits === 0) return { type: 'value', value: 0 };
  if (neg) n = -n;
  // strtol overflow (ERANGE) and the 32-bit range check both make keepalived ignore the read.
  if (n < BigInt(INT32_MIN) || n > BigInt(INT32_MAX) + 1n) {
    const clamped = n > LONG_MAX ? LONG_MAX : n < LONG_MIN ? LONG_MIN : n;
    return { type: 'invalid', text: text.trim().slice(0, 40), number: clamped.toString() };
  }
  return { type: 'value', value: Number(n) };
}

