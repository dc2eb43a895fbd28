/**
 * genhash -v output blocks, laid out as Debian's genhash prints them: a banner per
 * section and 16-byte hex lines (`OOOO  xx … - xx …   ascii`, offset in decimal). Pure.
 */

export function banner(title: string): string {
  return `-----------------------[${title}]-----------------------\n`;
}

export function hexdump(data: Uint8Array): string {
  let out = '';
  for (let off = 0; off < data.length; off += 16) {
    const row = data.subarray(off, off + 16);
    let hex = '';
    let ascii = '';
    for (let i = 0; i < 16; i++) {
      const b = row[i];
      hex += b === undefined ? '   ' : `${b.toString(16).padStart(2, '0')} `;
      if (i === 7) hex += '- ';
      ascii += b === undefined ? ' ' : b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
    }
    out += `${String(off).padStart(4, '0')}  ${hex}  ${ascii}\n`;
  }
  return out;
}
