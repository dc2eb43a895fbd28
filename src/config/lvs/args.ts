/**
 * Argument readers shared by the LVS keyword tables: `IP [PORT]` endpoints,
 * `lvs_method NAT|DR|TUN [type …] [port N] [csum …]`, and the timer/number ranges
 * keepalived's checker parser uses (keepalived.conf(5)).
 */
import { formatIp, parseIp } from '../../core/ip.js';
import type { ParseCtx } from '../diagnostics.js';
import { argLoc, argText, noExtraArgs, readIntText, requireArg } from '../keywords/args.js';
import { timerKw, wordsKw, type KeywordDef, type KeywordDefault, type RowOpts } from '../keywords/table.js';
import type { ConfigNode } from '../source/tree.js';
import type { EndpointDraft } from './draft.js';
import type { ForwardingMethod, TunnelChecksum, TunnelType } from './model.js';

/** connect_timeout and friends: µs in an unsigned int. */
export const SHORT_TIMER_MAX_S = 4294.967295;
/** delay_loop, delay_before_retry, warmup: µs in an unsigned long (shown rounded down). */
export const LONG_TIMER_MAX_S = 18446744073709;
export const MIN_TIMER_S = 0.000001;
export const UINT_MAX = 4294967295;
export const WEIGHT_MAX = 2147483647;

/** Reads `IP [PORT]` starting at argument `i` (IP in node.keyword when `i` < 0, for list lines). */
export function readEndpoint(node: ConfigNode, i: number, ctx: ParseCtx, what: string): EndpointDraft | undefined {
  const text = i < 0 ? node.keyword : argText(node, i);
  const loc = i < 0 ? node.loc : argLoc(node, i);
  if (text === undefined) {
    ctx.diags.error('KA_CFG_MISSING_ARG', `'${node.keyword}' requires an IP address`, node.loc);
    return undefined;
  }
  const ip = parseIp(text);
  if (!ip) {
    ctx.diags.error('KA_CFG_INVALID_ADDRESS', `invalid ${what} IP address '${text}' - ignoring`, loc);
    return undefined;
  }
  const portText = i < 0 ? argText(node, 0) : argText(node, i + 1);
  if (portText === undefined) return { family: ip.family, address: formatIp(ip) };
  const port = readIntText(portText, i < 0 ? argLoc(node, 0) : argLoc(node, i + 1), node.keyword, ctx, 0, 65535);
  if (port === undefined) return undefined;
  return { family: ip.family, address: formatIp(ip), port };
}

/** An address-only argument (connect_ip, bindto). */
export function readAddress(node: ConfigNode, ctx: ParseCtx): EndpointDraft | undefined {
  const text = requireArg(node, ctx, 'an IP address');
  noExtraArgs(node, ctx, 1);
  if (text === undefined) return undefined;
  const ip = parseIp(text);
  if (!ip) {
    ctx.diags.error('KA_CFG_INVALID_ADDRESS', `invalid IP address '${text}' for '${node.keyword}' - ignoring`, argLoc(node, 0));
    return undefined;
  }
  return { family: ip.family, address: formatIp(ip) };
}

const TUN_TYPES: readonly TunnelType[] = ['ipip', 'gue', 'gre'];
const TUN_CSUMS: readonly TunnelChecksum[] = ['nocsum', 'csum', 'remcsum'];

/** `NAT | DR | TUN [type ipip|gue|gre] [port N] [nocsum|csum|remcsum]` (case-sensitive method). */
export function readForwarding(node: ConfigNode, ctx: ParseCtx, whose: string): ForwardingMethod | undefined {
  const m = requireArg(node, ctx, 'NAT, DR or TUN');
  if (m === undefined) return undefined;
  if (m === 'NAT' || m === 'DR') {
    noExtraArgs(node, ctx, 1);
    return { type: m };
  }
  if (m !== 'TUN') {
    ctx.diags.error('KA_CFG_INVALID_VALUE', `PARSER : unknown [${m}] routing method${whose}.`, argLoc(node, 0), {
      hint: ['NAT', 'DR', 'TUN'].includes(m.toUpperCase()) ? `the method is case-sensitive: use '${m.toUpperCase()}'` : 'NAT, DR or TUN',
    });
    return undefined;
  }
  let tunnelType: TunnelType = 'ipip';
  let tunnelPort: number | undefined;
  let checksum: TunnelChecksum | undefined;
  for (let i = 1; i < node.args.length; i++) {
    const w = node.args[i]!.text;
    const next = argText(node, i + 1);
    if (w === 'type' && next !== undefined && (TUN_TYPES as readonly string[]).includes(next)) {
      tunnelType = next as TunnelType;
      i++;
    } else if (w === 'port' && next !== undefined) {
      const p = readIntText(next, argLoc(node, i + 1), 'port', ctx, 1, 65535);
      if (p !== undefined) tunnelPort = p;
      i++;
    } else if ((TUN_CSUMS as readonly string[]).includes(w)) {
      checksum = w as TunnelChecksum;
    } else {
      ctx.diags.error('KA_CFG_INVALID_VALUE', `unknown tunnel option '${w}' - ignoring`, argLoc(node, i), { hint: 'type ipip|gue|gre, port N (gue), nocsum|csum|remcsum' });
    }
  }
  if (tunnelType === 'gue' && tunnelPort === undefined) {
    ctx.diags.error('KA_CFG_MISSING_ARG', 'gue tunnel requires a port - ignoring', node.loc, { hint: 'lvs_method TUN type gue port N' });
    return undefined;
  }
  if (tunnelType !== 'gue' && tunnelPort !== undefined) {
    ctx.diags.warn('KA_CFG_INVALID_VALUE', `tunnel port is only valid for gue tunnels - ignoring`, node.loc);
    tunnelPort = undefined;
  }
  return { type: 'TUN', tunnelType, ...(tunnelPort !== undefined ? { tunnelPort } : {}), ...(checksum !== undefined ? { checksum } : {}) };
}

/** A µs-resolution timer in ms; `set` receives milliseconds. */
export function msTimerKw<B>(name: string, max: number, set: (b: B, ms: number, node: ConfigNode) => void, dflt: KeywordDefault, min = MIN_TIMER_S): KeywordDef<B> {
  return timerKw<B>(name, min, max, 6, (b, s, node) => set(b, Math.round(s * 1e6) / 1000, node), { default: dflt });
}

/** `KEYWORD` or `KEYWORD <BOOL>` where keepalived's 2.2.7 form was a bare flag. */
export function readOptionalBool(node: ConfigNode, ctx: ParseCtx, msg: (v: string) => string): boolean | undefined {
  const v = argText(node, 0);
  noExtraArgs(node, ctx, 1);
  if (v === undefined) return true;
  const b = ({ on: true, true: true, yes: true, off: false, false: false, no: false } as Readonly<Record<string, boolean>>)[v.toLowerCase()];
  if (b === undefined) ctx.diags.error('KA_CFG_INVALID_BOOL', msg(v), argLoc(node, 0), { hint: 'on|off|true|false|yes|no' });
  return b;
}

export function optBoolKw<B>(name: string, set: (b: B, v: boolean) => void, msg: (v: string) => string, dflt: KeywordDefault, o: RowOpts = {}): KeywordDef<B> {
  return wordsKw<B>(name, '[<BOOL>]', (b, node, ctx) => {
    const v = readOptionalBool(node, ctx, msg);
    if (v !== undefined) set(b, v);
  }, { default: dflt, scalar: false, ...o }); // repeating a flag is harmless (keepalived is silent)
}

