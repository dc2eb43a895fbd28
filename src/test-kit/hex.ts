/**
 * Hex helpers for the netlink golden-byte tests. Expected bytes are written by hand from
 * the kernel header layouts, little-endian (the only byte order this project runs on).
 */
export const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

/** `"0800 0400 | dc05 0000"` → bytes; spaces, `|` and newlines are for readability only. */
export function unhex(s: string): Uint8Array {
  const clean = s.replace(/[\s|]/g, '');
  if (!/^([0-9a-f]{2})*$/i.test(clean)) throw new Error(`bad hex literal: ${s}`);
  return Uint8Array.from(Buffer.from(clean, 'hex'));
}

export const h = (s: string): string => hex(unhex(s));
