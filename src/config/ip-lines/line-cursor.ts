/**
 * The word cursor the route and rule line grammars share (route-line.ts, rule-line.ts): the
 * line's words with their locations, values with keepalived's messages, addresses that fix
 * the line's family. The first problem is reported and stops the line (keepalived frees it).
 */
import { formatIp, parseIp, parsePrefix, type Family } from '../../core/ip.js';
import type { SourceLoc } from '../common.js';
import type { ParseCtx } from '../diagnostics.js';
import { argLoc, parseIntStrict } from '../keywords/args.js';
import type { ConfigNode } from '../source/tree.js';

export interface Word {
  readonly text: string;
  readonly loc: SourceLoc;
}

/** The line's words with locations, the keyword included (list items are `keyword args…`). */
export function lineWords(line: ConfigNode): Word[] {
  return [{ text: line.keyword, loc: line.loc }, ...line.args.map((t, i) => ({ text: t.text, loc: argLoc(line, i) }))];
}

export const lineText = (line: ConfigNode): string => (line.rawArgs ? `${line.keyword} ${line.rawArgs}` : line.keyword);

/** Decimal, or hexadecimal with 0x. */
export function parseUint(text: string): number | null {
  return /^0x[0-9a-f]+$/i.test(text) ? Number.parseInt(text, 16) : parseIntStrict(text);
}

export class Cursor {
  i = 0;
  failed = false;
  family: Family | undefined;
  constructor(
    readonly w: readonly Word[],
    readonly ctx: ParseCtx,
    readonly what: 'route' | 'rule',
  ) {}
  get done(): boolean {
    return this.failed || this.i >= this.w.length;
  }
  /** The next word without taking it. */
  peek(): string | undefined {
    return this.failed ? undefined : this.w[this.i]?.text;
  }
  next(): Word {
    return this.w[this.i++]!;
  }
  fail(message: string, loc: SourceLoc, hint?: string): void {
    this.ctx.diags.error('KA_CFG_INVALID_VALUE', message, loc, hint === undefined ? {} : { hint });
    this.failed = true;
  }
  value(kw: Word): Word | undefined {
    const v = this.w[this.i];
    if (v === undefined) {
      this.fail(`${this.what} keyword '${kw.text}' requires a value`, kw.loc);
      return undefined;
    }
    this.i++;
    return v;
  }
  /** An integer in [min, max] (0x… too), with keepalived's range message. */
  int(kw: Word, min: number, max: number): number | undefined {
    const v = this.value(kw);
    if (v === undefined) return undefined;
    const n = parseUint(v.text);
    if (n === null || n < min || n > max) {
      this.fail(n === null ? `invalid number '${v.text}'` : `number '${v.text}' outside range [${min}, ${max}]`, v.loc);
      return undefined;
    }
    return n;
  }
  /** An address or prefix of the line's family (the first one fixes it; `inet6` may too). */
  addr(v: Word, prefix: boolean): { address: string; len: number } | undefined {
    if (prefix && (v.text === 'default' || v.text === 'all')) {
      const fam = this.family ?? 4;
      return { address: fam === 6 ? '::' : '0.0.0.0', len: 0 };
    }
    const p = prefix ? parsePrefix(v.text) : null;
    const ip = prefix ? (p?.ok ? p.value : null) : parseIp(v.text);
    if (!ip) {
      this.fail(`VRRP parsed invalid IP ${v.text}. skipping IP...`, v.loc);
      return undefined;
    }
    if (this.family !== undefined && this.family !== ip.family) {
      this.fail(`Cannot mix IPv4 and IPv6 addresses for ${this.what}`, v.loc);
      return undefined;
    }
    this.family = ip.family;
    return { address: formatIp(ip), len: p?.ok ? p.value.prefixLen : ip.family === 4 ? 32 : 128 };
  }
  /** `inet6` (or `inet`): the family before any address says it. */
  setFamily(w: Word, fam: Family): void {
    if (this.family !== undefined && this.family !== fam) this.fail(`Cannot mix IPv4 and IPv6 addresses for ${this.what}`, w.loc);
    this.family = fam;
  }
}
