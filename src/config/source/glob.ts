/**
 * Glob patterns for `include` (glob(3) with GLOB_BRACE, as keepalived uses): csh braces
 * `{a,b}` are expanded first, then `*`, `?` and `[…]` match within one path segment.
 * Pure; the directory walking lives in fs-reader.ts.
 */

export function hasGlobMagic(s: string): boolean {
  return /[*?[]/.test(s);
}

/** `a{b,c}d` ⇒ [`abd`, `acd`]; nested braces expand left to right; unbalanced braces stay literal. */
export function expandBraces(pattern: string): string[] {
  const open = pattern.indexOf('{');
  if (open < 0) return [pattern];
  let depth = 0;
  const commas: number[] = [];
  let close = -1;
  for (let i = open; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) {
        close = i;
        break;
      }
    } else if (c === ',' && depth === 1) commas.push(i);
  }
  if (close < 0) return [pattern];
  const head = pattern.slice(0, open);
  const tail = pattern.slice(close + 1);
  const bounds = [open, ...commas, close];
  const out: string[] = [];
  for (let k = 0; k + 1 < bounds.length; k++) {
    const alt = pattern.slice(bounds[k]! + 1, bounds[k + 1]);
    for (const rest of expandBraces(alt + tail)) out.push(...expandBraces(head + rest));
  }
  return out;
}

/** One path segment (no `/`) to an anchored RegExp; a leading `.` must be matched explicitly. */
export function segmentToRegExp(segment: string): RegExp {
  let re = segment.startsWith('.') ? '' : '(?!\\.)';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = segment.indexOf(']', i + 2);
      if (close < 0) {
        re += '\\[';
        continue;
      }
      let body = segment.slice(i + 1, close);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      re += `[${negate ? '^' : ''}${body.replace(/[\\\]]/g, '\\$&')}]`;
      i = close;
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Whole-path match (segments compared one by one), for in-memory readers. */
export function globMatch(pattern: string, path: string): boolean {
  const ps = pattern.split('/');
  const xs = path.split('/');
  return ps.length === xs.length && ps.every((p, i) => (hasGlobMagic(p) ? segmentToRegExp(p).test(xs[i]!) : p === xs[i]));
}
