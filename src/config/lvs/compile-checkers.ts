/**
 * Checker compiler: a checker draft plus its real server and virtual server → the
 * model's CheckerConfig with every default resolved as keepalived's
 * validate_check_config does (checker → real_server → virtual_server → per-checker
 * default; warmup defaults to the delay loop). Invalid checkers are dropped with
 * keepalived's message. Pure; diagnostics go to the sink.
 */
import type { DiagSink } from '../diagnostics.js';
import type { CheckerDraft, ConnectionDraft, RealServerDraft, VirtualServerDraft } from './draft.js';
import {
  CHECKER_DEFAULT_RETRY,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_SMTP_HELO_NAME,
  DEFAULT_VS_DELAY_LOOP_MS,
  type CheckerConfig,
  type CheckerConnection,
  type CheckerTiming,
  type HttpUrlConfig,
  type LvsEndpoint,
} from './model.js';

export interface CheckerContext {
  readonly vs: VirtualServerDraft;
  readonly rs: RealServerDraft;
  /**
   * The RS address/port after the port rules (compile.ts rsPort) (what IPVS gets). The default connect
   * target is its address with the port AS WRITTEN (0 when omitted): keepalived fills the
   * checker's connection from the real_server line before the port rules reset a DR/TUN or
   * fwmark RS's port, so `real_server X 8080` under a DR VS on 443 is entered as X:443 and
   * checked on 8080 (verified against keepalived 2.2.7 under qemu, test/qemu ipvs-compare).
   */
  readonly rsEndpoint: LvsEndpoint;
  /** `[ip]:proto:port` of the RS, for messages. */
  readonly rsName: string;
}

function timing(c: CheckerDraft, x: CheckerContext): CheckerTiming {
  const { rs, vs } = x;
  const dflt = c.type in CHECKER_DEFAULT_RETRY ? CHECKER_DEFAULT_RETRY[c.type as keyof typeof CHECKER_DEFAULT_RETRY] : { retry: 0, delayBeforeRetryMs: 'delay_loop' as const };
  const delayLoopMs = c.delayLoopMs ?? rs.delayLoopMs ?? vs.delayLoopMs ?? DEFAULT_VS_DELAY_LOOP_MS;
  return {
    retry: c.retry ?? rs.retry ?? vs.retry ?? dflt.retry,
    delayBeforeRetryMs: c.delayBeforeRetryMs ?? rs.delayBeforeRetryMs ?? vs.delayBeforeRetryMs ?? (dflt.delayBeforeRetryMs === 'delay_loop' ? delayLoopMs : dflt.delayBeforeRetryMs),
    delayLoopMs,
    warmupMs: c.warmupMs ?? rs.warmupMs ?? vs.warmupMs ?? delayLoopMs,
    alpha: c.alpha ?? rs.alpha ?? vs.alpha ?? false,
    logAllFailures: c.logAllFailures ?? false,
  };
}

function connection(co: ConnectionDraft, base: ConnectionDraft | undefined, x: CheckerContext, diags: DiagSink): CheckerConnection {
  const ip = co.connectIp ?? base?.connectIp;
  const family = ip?.family ?? x.rsEndpoint.family;
  let bindTo = co.bindTo ?? base?.bindTo;
  if (bindTo && bindTo.family !== family) {
    diags.error('KA_CFG_CHECKER_FAMILY', `bindto address ${bindTo.address} does not match address family of connect_ip - skipping`, co.locs['bindto'] ?? base?.locs['bindto'] ?? co.loc);
    bindTo = undefined;
  }
  const bindIf = co.bindIf ?? base?.bindIf;
  const bindPort = co.bindPort ?? base?.bindPort;
  const fwmark = co.fwmark ?? base?.fwmark;
  return {
    connectIp: ip?.address ?? x.rsEndpoint.address,
    family,
    connectPort: co.connectPort ?? base?.connectPort ?? x.rs.endpoint.port ?? 0,
    ...(bindTo ? { bindTo: bindTo.address } : {}),
    ...(bindIf !== undefined ? { bindIf } : {}),
    ...(bindPort !== undefined ? { bindPort } : {}),
    ...(fwmark !== undefined ? { fwmark } : {}),
    connectTimeoutMs: co.connectTimeoutMs ?? base?.connectTimeoutMs ?? x.rs.connectTimeoutMs ?? x.vs.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
  };
}

function urls(c: CheckerDraft, x: CheckerContext, diags: DiagSink): HttpUrlConfig[] {
  const out: HttpUrlConfig[] = [];
  for (const u of c.urls) {
    if (u.path === undefined) {
      diags.warn('KA_CFG_HTTP_NO_PATH', 'HTTP/SSL_GET checker url has no path - ignoring', u.loc, { hint: "add 'path /…' to the url block" });
      continue;
    }
    const vhost = u.virtualhost ?? c.virtualhost ?? x.rs.virtualhost ?? x.vs.virtualhost;
    out.push({
      path: u.path,
      ...(u.digest !== undefined ? { digest: u.digest } : {}),
      statusCodes: u.statusCodes.length > 0 ? u.statusCodes : [[200, 299]],
      ...(u.virtualhost !== undefined ? { virtualhost: u.virtualhost } : {}),
      ...(vhost !== undefined ? { effectiveVirtualhost: vhost } : {}),
      ...(u.regex !== undefined ? { regex: u.regex } : {}),
      regexNoMatch: u.regexNoMatch ?? false,
      ...(u.regexOptions !== undefined ? { regexOptions: u.regexOptions } : {}),
      ...(u.regexMinOffset !== undefined ? { regexMinOffset: u.regexMinOffset } : {}),
      ...(u.regexMaxOffset !== undefined ? { regexMaxOffset: u.regexMaxOffset } : {}),
      ...(u.regexStack !== undefined ? { regexStack: u.regexStack } : {}),
      tlsCompliant: u.tlsCompliant ?? c.tlsCompliant ?? false,
      loc: u.loc,
    });
  }
  return out;
}

/** One draft gives 0 checkers (invalid), 1, or several (SMTP_CHECK with deprecated host blocks). */
export function compileChecker(c: CheckerDraft, x: CheckerContext, diags: DiagSink): CheckerConfig[] {
  const loc = c.loc;
  switch (c.type) {
    case 'TCP_CHECK':
    case 'PING_CHECK':
      return [{ type: c.type, loc, connection: connection(c, undefined, x, diags), ...timing(c, x) }];
    case 'HTTP_GET':
    case 'SSL_GET': {
      const list = urls(c, x, diags);
      if (list.length === 0) {
        diags.warn('KA_CFG_HTTP_NO_URL', 'HTTP/SSL_GET checker has no urls specified - ignoring', loc, { hint: 'add a url { path … } block' });
        return [];
      }
      return [
        {
          type: c.type,
          loc,
          connection: connection(c, undefined, x, diags),
          ...timing(c, x),
          urls: list,
          httpProtocol: c.httpProtocol ?? '1.0',
          ...(c.virtualhost !== undefined ? { virtualhost: c.virtualhost } : {}),
          fastRecovery: c.fastRecovery ?? false,
          enableSni: c.enableSni ?? false,
          ...(c.sniName !== undefined ? { sniName: c.sniName } : {}),
          tlsCompliant: c.tlsCompliant ?? false,
        },
      ];
    }
    case 'SMTP_CHECK': {
      const t = timing(c, x);
      const heloName = c.heloName ?? DEFAULT_SMTP_HELO_NAME;
      if (c.hosts.length === 0) return [{ type: 'SMTP_CHECK', loc, connection: connection(c, undefined, x, diags), ...t, heloName, fromHostBlock: false }];
      return c.hosts.map((h) => ({ type: 'SMTP_CHECK' as const, loc: h.loc, connection: connection(h, c, x, diags), ...t, heloName, fromHostBlock: true }));
    }
    case 'DNS_CHECK':
      return [{ type: 'DNS_CHECK', loc, connection: connection(c, undefined, x, diags), ...timing(c, x), queryType: c.queryType ?? 'SOA', name: c.name ?? '.' }];
    case 'UDP_CHECK': {
      const minReplyLength = c.minReplyLength ?? 0;
      const maxReplyLength = c.maxReplyLength ?? 255;
      if (minReplyLength > maxReplyLength) {
        diags.warn('KA_CFG_UDP_REPLY_LENGTH', `UDP_CHECK min_reply length ${minReplyLength} > max_reply_length ${maxReplyLength} - will always fail`, c.locs['min_reply_length'] ?? loc);
      }
      return [
        {
          type: 'UDP_CHECK',
          loc,
          connection: connection(c, undefined, x, diags),
          ...timing(c, x),
          ...(c.payload !== undefined ? { payload: c.payload } : {}),
          requireReply: c.requireReply ?? false,
          ...(c.replyPattern !== undefined ? { replyPattern: c.replyPattern } : {}),
          minReplyLength,
          maxReplyLength,
        },
      ];
    }
    case 'MISC_CHECK': {
      if (!c.script) {
        diags.warn('KA_CFG_MISC_NO_PATH', 'No script path has been specified for MISC_CHECKER - skipping', loc, { hint: "add 'misc_path \"/path/to/check args\"'" });
        return [];
      }
      const t = timing(c, x);
      const script = c.miscUser ? { ...c.script, user: c.miscUser.user, ...(c.miscUser.group !== undefined ? { group: c.miscUser.group } : {}) } : c.script;
      return [{ type: 'MISC_CHECK', loc, ...t, script, timeoutMs: c.miscTimeoutMs ?? t.delayLoopMs, dynamic: c.dynamic ?? false }];
    }
    case 'FILE_CHECK':
      if (c.trackFile === undefined) {
        diags.warn('KA_CFG_FILE_CHECK_NO_FILE', 'FILE_CHECK has no track_file specified - ignoring', loc, { hint: "add 'track_file NAME' naming a top-level track_file block" });
        return [];
      }
      return [{ type: 'FILE_CHECK', loc, trackFile: c.trackFile, ...(c.weight !== undefined ? { weight: c.weight } : {}), reverse: c.reverse ?? false, dynamic: c.dynamic ?? false }];
    case 'BFD_CHECK':
      if (c.name === undefined) {
        diags.warn('KA_CFG_BFD_CHECK_NO_NAME', `(${x.rsName}) No name has been specified for BFD_CHECKER - skipping`, loc, { hint: "add 'name BFD_INSTANCE'" });
        return [];
      }
      return [{ type: 'BFD_CHECK', loc, name: c.name, alpha: c.alpha ?? x.rs.alpha ?? x.vs.alpha ?? false }];
  }
}
