/**
 * The host half of `-t` (keepalived(8) --config-test): keepalived's config test also checks
 * the machine it runs on. This pass runs over the compiled model in the CLI layer — the
 * config compiler stays pure — with the host's answers injected (HostProbe; host-probe.ts
 * asks the real host), and returns diagnostics in keepalived's wording and exit classes.
 * What it checks, as Debian's keepalived 2.2.7 `-t` does (run on crafted configs):
 *  - interfaces named by an instance (`interface`, `track_interface`), a sync group, a VIP,
 *    static or virtual address (`dev`), route (`dev`, nexthop `dev`) or rule (`iif`/`oif`):
 *    one line each, then "Non-existent interface specified in configuration" (exit 5); the
 *    VRRP side's script-security check is then never reached (no VRRP SECURITY VIOLATION);
 *  - script users and groups: a bad `script_user` ("Error setting global script uid/gid"), a
 *    vrrp_script's or MISC_CHECK's own `user` (the script is removed; a track_script naming
 *    it is then ignored), and with enable_script_security but no script_user the default
 *    user `keepalived_script` for MISC_CHECKs without a user of their own (removed; the
 *    compiler already drops such vrrp_scripts, assuming no such account); all exit 5;
 *  - vrrp_scripts whose program does not exist ("Disabling track script … since not
 *    found/accessible", exit 5); notify scripts that are missing are not reported;
 *  - a top-level `net_namespace` that does not exist on this host: keepalived cannot check
 *    the configuration there and exits 0 without a word; we say so, report what the file
 *    itself holds, and exit 0 likewise (--no-host-checks checks the file fully).
 */
import type { Diagnostic } from '../config/diagnostics.js';
import { configTestExitCode } from '../config/diagnostics.js';
import type { IpAddressSpec, KeepalivedConfig, RouteSpec, RuleSpec, ScriptSpec, SourceLoc, TrackerRef } from '../config/model.js';

/** What the pass asks the host. */
export interface HostProbe {
  interfaceExists(name: string): boolean;
  /** The program word of a script: a path, or a name looked up in PATH. */
  programExists(word: string): boolean;
  userExists(name: string): boolean;
  groupExists(name: string): boolean;
  netNamespaceExists(name: string): boolean;
}

export interface HostCheckResult {
  readonly diagnostics: readonly Diagnostic[];
  /** An interface is missing: keepalived stops before its VRRP script-security check. */
  readonly interfacesMissing: boolean;
  /** keepalived cannot check the configuration on this host at all (it exits 0). */
  readonly unchecked?: Diagnostic;
}

/** keepalived's default script user (keepalived.conf(5) script_user). */
const DEFAULT_SCRIPT_USER = 'keepalived_script';

/** What the pass reads from the model, in one place. */
interface HostView {
  readonly netNamespace?: string;
  readonly interfaceUses: readonly { readonly name: string; readonly message: string; readonly loc?: SourceLoc }[];
  readonly vrrpScripts: readonly { readonly name: string; readonly script: ScriptSpec; readonly loc: SourceLoc }[];
  readonly trackScriptRefs: readonly { readonly owner: string; readonly ref: TrackerRef }[];
  readonly miscScripts: readonly { readonly script: ScriptSpec; readonly loc: SourceLoc }[];
}

function addressUse(a: IpAddressSpec): HostView['interfaceUses'][number][] {
  return a.dev === undefined ? [] : [{ name: a.dev, message: `WARNING - interface ${a.dev} for ip address ${a.text.split(/\s+/)[0] ?? a.address} doesn't exist`, loc: a.loc }];
}

function routeUses(r: RouteSpec): HostView['interfaceUses'][number][] {
  const devs = [r.dev, ...r.nexthops.map((n) => n.dev)].filter((d): d is string => d !== undefined);
  return devs.map((d) => ({ name: d, message: `WARNING - interface ${d} for VROUTE nexthop doesn't exist`, loc: r.loc }));
}

function ruleUses(r: RuleSpec): HostView['interfaceUses'][number][] {
  return [r.iif, r.oif].filter((d): d is string => d !== undefined).map((d) => ({ name: d, message: `WARNING - interface ${d} for rule doesn't exist`, loc: r.loc }));
}

function view(c: KeepalivedConfig): HostView {
  const uses: HostView['interfaceUses'][number][] = [];
  const refs: HostView['trackScriptRefs'][number][] = [];
  for (const a of c.staticIpAddresses) uses.push(...addressUse(a));
  for (const r of c.staticRoutes) uses.push(...routeUses(r));
  for (const r of c.staticRules) uses.push(...ruleUses(r));
  for (const g of c.vrrpSyncGroups) {
    for (const t of g.trackInterfaces) uses.push({ name: t.name, message: `(${g.name}) tracked interface ${t.name} doesn't exist`, loc: g.loc });
    for (const ref of g.trackScripts) refs.push({ owner: g.name, ref });
  }
  for (const v of c.vrrpInstances) {
    if (v.interface !== undefined) uses.push({ name: v.interface, message: `WARNING - interface ${v.interface} for vrrp_instance ${v.name} doesn't exist`, loc: v.loc });
    for (const t of v.trackInterfaces) uses.push({ name: t.name, message: `(${v.name}) tracked interface ${t.name} doesn't exist`, loc: v.loc });
    for (const a of [...v.vips, ...v.excludedVips]) uses.push(...addressUse(a));
    for (const r of v.virtualRoutes) uses.push(...routeUses(r));
    for (const r of v.virtualRules) uses.push(...ruleUses(r));
    for (const ref of v.trackScripts) refs.push({ owner: v.name, ref });
  }
  const misc = c.virtualServers.flatMap((vs) => vs.realServers.flatMap((rs) => rs.checkers.flatMap((k) => (k.type === 'MISC_CHECK' ? [{ script: k.script, loc: k.loc }] : []))));
  return {
    ...(c.netNamespace !== undefined ? { netNamespace: c.netNamespace } : {}),
    interfaceUses: uses,
    vrrpScripts: c.vrrpScripts.map((s) => ({ name: s.name, script: s.script, loc: s.loc })),
    trackScriptRefs: refs,
    miscScripts: misc,
  };
}

const ignored = (code: string, message: string, loc?: SourceLoc, severity: Diagnostic['severity'] = 'warning'): Diagnostic => ({
  severity,
  code,
  message,
  class: 'ignored',
  ...(loc ? { loc } : {}),
});

/** Runs the host checks over a compiled config. */
export function checkHost(config: KeepalivedConfig, probe: HostProbe): HostCheckResult {
  const v = view(config);
  if (v.netNamespace !== undefined && !probe.netNamespaceExists(v.netNamespace)) {
    return {
      diagnostics: [],
      interfacesMissing: false,
      unchecked: {
        severity: 'warning',
        code: 'KA_CFG_HOST_NAMESPACE',
        class: 'notice',
        message: `net_namespace ${v.netNamespace} does not exist on this host: keepalived checks nothing more here and exits 0, and so does this test (the problems below do not change the exit status)`,
        hint: 'create the namespace, or run with --no-host-checks to check the file for another machine',
      },
    };
  }
  const out: Diagnostic[] = [];
  const g = config.globalDefs;
  const userOk = (s: ScriptSpec): boolean => (s.user === undefined || probe.userExists(s.user)) && (s.group === undefined || probe.groupExists(s.group));
  const globalUserBad = (g.scriptUser !== undefined && !probe.userExists(g.scriptUser)) || (g.scriptGroup !== undefined && !probe.groupExists(g.scriptGroup));
  if (globalUserBad) out.push(ignored('KA_CFG_HOST_USER', 'Error setting global script uid/gid', undefined, 'error'));
  // With script security on, a script without a user of its own runs as keepalived_script.
  const defaultUserMissing = g.enableScriptSecurity && g.scriptUser === undefined && !probe.userExists(DEFAULT_SCRIPT_USER);
  let defaultUserReported = false;
  const reportDefaultUser = (loc: SourceLoc): void => {
    if (defaultUserReported) return;
    defaultUserReported = true;
    out.push(ignored('KA_CFG_HOST_USER', `Unable to set default user ${DEFAULT_SCRIPT_USER} for script`, loc));
  };

  for (const m of v.miscScripts) {
    const path = m.script.argv[0] ?? '';
    if (m.script.user !== undefined) {
      if (!userOk(m.script)) out.push(ignored('KA_CFG_HOST_USER', `Failed to set uid/gid for misc checker script '${path}' - removing`, m.loc));
    } else if (defaultUserMissing) {
      reportDefaultUser(m.loc);
      out.push(ignored('KA_CFG_HOST_USER', `Unable to set default user for misc script '${path}' - removing`, m.loc));
    }
  }
  const removed = new Set<string>();
  for (const s of v.vrrpScripts) {
    const path = s.script.argv[0] ?? '';
    if (s.script.user !== undefined && !userOk(s.script)) {
      out.push(ignored('KA_CFG_HOST_USER', `Unable to set uid/gid for script '${path}'`, s.loc));
      removed.add(s.name);
    } else if (!probe.programExists(path)) {
      out.push(ignored('KA_CFG_HOST_SCRIPT', `Disabling track script ${s.name} since not found/accessible`, s.loc));
    }
  }
  for (const { owner, ref } of v.trackScriptRefs) {
    if (removed.has(ref.name)) out.push(ignored('KA_CFG_HOST_SCRIPT', `(${owner}) track script ${ref.name} not found, ignoring...`, ref.loc));
  }

  const missing = v.interfaceUses.filter((u) => !probe.interfaceExists(u.name));
  for (const u of missing) out.push(ignored('KA_CFG_HOST_INTERFACE', u.message, u.loc));
  if (missing.length > 0) out.push(ignored('KA_CFG_HOST_INTERFACE', 'Non-existent interface specified in configuration', undefined, 'error'));
  return { diagnostics: out, interfacesMissing: missing.length > 0 };
}

/** keepalived's VRRP-side "SECURITY VIOLATION - scripts are being executed …" (not the checker's). */
const isVrrpSecurityViolation = (d: Diagnostic): boolean => d.code === 'KA_CFG_SCRIPT_SECURITY' && d.message.startsWith('SECURITY VIOLATION - scripts ');

/** The config test's diagnostics and exit status on this host: the file's, then the host's. */
export function withHostChecks(fileDiagnostics: readonly Diagnostic[], host: HostCheckResult): { readonly diagnostics: readonly Diagnostic[]; readonly exitCode: 0 | 4 | 5 | 6 } {
  if (host.unchecked) return { diagnostics: [host.unchecked, ...fileDiagnostics], exitCode: 0 };
  const file = host.interfacesMissing ? fileDiagnostics.filter((d) => !isVrrpSecurityViolation(d)) : fileDiagnostics;
  const diagnostics = [...file, ...host.diagnostics];
  return { diagnostics, exitCode: configTestExitCode(diagnostics) };
}
