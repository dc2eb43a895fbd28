/** RFC 1071 Internet checksum over one or more byte ranges (treated as one stream). */
export function internetChecksum(...parts: Uint8Array[]): number {
  let sum = 0;
  let odd = false;
  let carryByte = 0;
  for (const p of parts) {
    let i = 0;
    if (odd && p.length > 0) {
      sum += (carryByte << 8) | p[0]!;
      i = 1;
      odd = false;
    }
    for (; i + 1 < p.length; i += 2) sum += (p[i]! << 8) | p[i + 1]!;
    if (i < p.length) {
      carryByte = p[i]!;
      odd = true;
    }
  }
  if (odd) sum += carryByte << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}
