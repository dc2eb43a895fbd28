/**
 * Collects config diagnostics in source order. Every stage of the config pipeline
 * writes here instead of throwing; the caller gets the list with the model.
 */
import type { Diagnostic, DiagnosticClass } from './diagnostics.js';
import type { SourceLoc } from './model.js';

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
