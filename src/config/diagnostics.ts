/**
 * Config diagnostics: every problem found while reading a keepalived.conf, with its
 * location. Never thrown; collected and reported together (`file:line:col: severity: msg`).
 * `outcome` classes follow keepalived's `-t` exit codes.
 */
import type { SourceLoc } from './model.js';

export type Severity = 'error' | 'warning';

/**
 * What keepalived would do about it:
 * - 'ignored'   the keyword/line is skipped or a default substituted, the daemon runs (exit 5 class)
 * - 'fatal'     the daemon cannot run this config (exit 4 class; VRRP child exits with config status)
 * - 'security'  scripts configured without enable_script_security (exit 6 class)
 */
export type DiagnosticClass = 'ignored' | 'fatal' | 'security';

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

/** keepalived `-t` exit status for a set of diagnostics: 0 clean, 4 cannot run, 5 errors but runnable, 6 security. */
export function configTestExitCode(diags: readonly Diagnostic[]): 0 | 4 | 5 | 6 {
  if (diags.some((d) => d.class === 'fatal')) return 4;
  if (diags.some((d) => d.class === 'security')) return 6;
  if (diags.length > 0) return 5;
  return 0;
}
