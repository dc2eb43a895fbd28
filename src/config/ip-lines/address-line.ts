/**
 * One address line of `virtual_ipaddress`, `virtual_ipaddress_excluded` or
 * `static_ipaddress` (keepalived.conf(5)): `IP[/MASK] [brd IP|+|-] [dev IF] [scope S]
 * [label L] [peer IP] [-nodad] [noprefixroute] [home] [mngtmpaddr] [autojoin]
 * [preferred_lft N|forever] [no_track] [track_group G] …`, ip(8) syntax.
 */
import { formatIp, parseIp, parsePrefix } from '../../core/ip.js';
import type { AddressScope, IpAddressSpec } from '../common.js';
import type { ParseCtx } from '../diagnostics.js';
import { argLoc } from '../keywords/args.js';
import type { ConfigNode } from '../source/tree.js';

export type AddressContext = 'vip' | 'static';

const SCOPES: readonly AddressScope[] = ['global', 'site', 'link', 'host', 'nowhere'];
/** Parsed by keepalived, not represented in the model yet (a VIP's own VMAC). */
const UNSUPPORTED_FLAGS = new Set(['use_vmac']);
const FOREVER = 0xffffffff;

export function parseAddressLine(node: ConfigNode, where: AddressContext, ctx: ParseCtx): IpAddressSpec | undefined {
  const text = node.rawArgs ? `${node.keyword} ${node.rawArgs}` : node.keyword;
  const prefix = parsePrefix(node.keyword);
  if (!prefix.ok) {
    ctx.diags.error('KA_CFG_INVALID_ADDRESS', `VRRP parsed invalid IP ${node.keyword}. skipping IP...`, node.loc, { hint: prefix.reason });
    return undefined;
  }
  const p = prefix.value;
  const spec: {
    -readonly [K in keyof IpAddressSpec]: IpAddressSpec[K];
  } = { family: p.family, address: formatIp(p), prefixLen: p.prefixLen, text, loc: node.loc };
  // keepalived adds -nodad to IPv6 VIPs (they move between nodes; DAD would delay them).
  if (where === 'vip' && p.family === 6) spec.noDad = true;

  const args = node.args;
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!.text;
    const loc = argLoc(node, i);
    const value = (): string | undefined => {
      const v = args[i + 1]?.text;
      if (v === undefined) ctx.diags.error('KA_CFG_MISSING_ARG', `'${word}' requires a value for ip address ${node.keyword}`, loc);
      else i++;
      return v;
    };
    switch (word) {
      case 'brd':
      case 'broadcast': {
        const v = value();
        if (v === undefined) break;
        const ip = parseIp(v);
        if (v === '+' || v === '-') spec.broadcast = v;
        else if (ip && ip.family === 4 && p.family === 4) spec.broadcast = formatIp(ip);
        else ctx.diags.error('KA_CFG_INVALID_ADDRESS', `Invalid broadcast address '${v}' for ${node.keyword} - ignoring`, argLoc(node, i));
        break;
      }
      case 'dev': {
        const v = value();
        if (v !== undefined) spec.dev = v;
        break;
      }
      case 'scope': {
        const v = value();
        if (v === undefined) break;
        const s = SCOPES.find((x) => x === v);
        if (s) spec.scope = s;
        else ctx.diags.error('KA_CFG_INVALID_VALUE', `Invalid scope '${v}' specified for ${node.keyword} - ignoring`, argLoc(node, i), { hint: `one of ${SCOPES.join('|')}` });
        break;
      }
      case 'label': {
        const v = value();
        if (v !== undefined) spec.label = v;
        break;
      }
      case 'peer': {
        const v = value();
        if (v === undefined) break;
        const pp = parsePrefix(v);
        if (pp.ok && pp.value.family === p.family) spec.peer = v.includes('/') ? `${formatIp(pp.value)}/${pp.value.prefixLen}` : formatIp(pp.value);
        else ctx.diags.error('KA_CFG_INVALID_ADDRESS', `Invalid peer address '${v}' for ${node.keyword} - ignoring`, argLoc(node, i));
        break;
      }
      case '-nodad':
        spec.noDad = true;
        break;
      case 'noprefixroute':
        spec.noPrefixRoute = true;
        break;
      case 'preferred_lft': {
        const v = value();
        if (v === undefined) break;
        const n = v === 'forever' ? FOREVER : /^\d+$/.test(v) ? Number(v) : NaN;
        if (Number.isInteger(n) && n <= FOREVER) spec.preferredLft = n;
        else ctx.diags.error('KA_CFG_INVALID_VALUE', `Invalid preferred_lft '${v}' for ${node.keyword} - ignoring`, argLoc(node, i), { hint: 'seconds, or forever' });
        break;
      }
      case 'home':
        spec.home = true;
        break;
      case 'mngtmpaddr':
        spec.manageTempAddr = true;
        break;
      case 'autojoin':
        spec.autoJoin = true;
        break;
      case 'track_group': {
        const v = value();
        if (v === undefined) break;
        if (where === 'static') spec.trackGroup = v;
        else ctx.diags.warn('KA_CFG_INVALID_VALUE', `'track_group' is only valid for static addresses - ignoring`, loc);
        break;
      }
      case 'no_track':
        if (where === 'vip') spec.noTrack = true;
        else ctx.diags.warn('KA_CFG_INVALID_VALUE', `'no_track' is only valid for virtual addresses - ignoring`, loc);
        break;
      default:
        if (UNSUPPORTED_FLAGS.has(word)) {
          ctx.diags.warn('KA_CFG_UNSUPPORTED', `address option '${word}' is not supported yet - ignoring`, loc);
        } else {
          ctx.diags.warn('KA_CFG_UNKNOWN_KEYWORD', `Unknown configuration entry '${word}' for ip address - ignoring`, loc);
        }
    }
  }
  return spec;
}
