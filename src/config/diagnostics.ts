/**
 * Config diagnostics: every problem found while reading a keepalived.conf, with its
 * location. Never thrown; collected and reported together (`file:line:col: severity: msg`).
 * `outcome` classes follow keepalived's `-t` exit codes. Every stage of the pipeline writes
 * into a DiagSink instead of throwing; the caller gets the list with the model.
 */
import type { KeywordUse, SourceLoc } from './common.js';

export type Severity = 'error' | 'warning';

/**
 * What keepalived would do about it:
 * - 'notice'    only reported; keepalived's config status stays OK (a plain `include`
 *               that matches nothing): no effect on the `-t` exit status
 * - 'fatal'     the daemon cannot run this config (exit 4 class; VRRP child exits with config status)
 * - 'ignored'   the keyword/line is skipped or a default substituted, the daemon runs (exit 5 class)
 * - 'security'  scripts configured without enable_script_security (exit 6 class)
 * - 'no-config' a failed include check (`includea`, `include_check`, `-e`): keepalived
 *               finishes parsing, then exits "not configured" (6)
 */
export type DiagnosticClass = 'notice' | 'fatal' | 'ignored' | 'security' | 'no-config';

export interface Diagnostic {
  readonly severity: Severity;
  /** Stable code, e.g. KA_CFG_UNKNOWN_KEYWORD. */
  readonly code: string;
  readonly message: string;
  readonly loc?: SourceLoc;
  readonly hint?: string;
  readonly class: DiagnosticClass;
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.loc ? `${d.loc.file}:${d.loc.line}:${d.loc.col}: ` : '';
  const hint = d.hint ? `\n  hint: ${d.hint}` : '';
  return `${where}${d.severity}: ${d.message}${hint}`;
}

/**
 * keepalived `-t` exit status for a set of diagnostics. keepalived records the numerically
 * largest status seen, and its statuses are ordered cannot-run (4) < errors-but-runnable (5)
 * < security (6): so one runnable-class error next to a fatal one gives 5, and 4 only comes
 * out when every problem is of the cannot-run class. A failed include check exits 6 ("not
 * configured") whatever else was found. Notices do not count.
 */
export function configTestExitCode(diags: readonly Diagnostic[]): 0 | 4 | 5 | 6 {
  const has = (c: DiagnosticClass): boolean => diags.some((d) => d.class === c);
  if (has('no-config') || has('security')) return 6;
  if (has('ignored')) return 5;
  if (has('fatal')) return 4;
  return 0;
}

export interface DiagExtra {
  readonly hint?: string;
  readonly class?: DiagnosticClass;
}

export class DiagSink {
  readonly list: Diagnostic[] = [];

  warn(code: string, message: string, loc?: SourceLoc, extra: DiagExtra = {}): void {
    this.push('warning', code, message, loc, extra);
  }

  error(code: string, message: string, loc?: SourceLoc, extra: DiagExtra = {}): void {
    this.push('error', code, message, loc, extra);
  }

  /** The daemon cannot run this config (keepalived: VRRP child exits with config status). */
  fatal(code: string, message: string, loc?: SourceLoc, hint?: string): void {
    this.push('error', code, message, loc, hint === undefined ? { class: 'fatal' } : { class: 'fatal', hint });
  }

  push(severity: Diagnostic['severity'], code: string, message: string, loc: SourceLoc | undefined, extra: DiagExtra): void {
    this.list.push({
      severity,
      code,
      message,
      class: extra.class ?? 'ignored',
      ...(loc ? { loc } : {}),
      ...(extra.hint !== undefined ? { hint: extra.hint } : {}),
    });
  }
}

/** What keyword handlers are given: where problems go, and where keywords not acted on are noted. */
export interface ParseCtx {
  readonly diags: DiagSink;
  readonly uses?: KeywordUse[];
}
