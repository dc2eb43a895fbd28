/**
 * The contract between the checker engine (scheduler, retry state machine, RS/VS state)
 * and the probes that talk to real servers (probes/*.ts). A probe performs ONE attempt
 * and always resolves: a refused connection, a timeout, garbage or a huge body is a
 * `failure` outcome, never a rejection and never an unbounded wait.
 */
import type { CheckerConfig, SslConfig } from '../config/lvs/model.js';
import type { Logger } from '../core/logger.js';

export type ProbeOutcome =
  | {
      readonly type: 'success';
      /** MISC_CHECK with misc_dynamic: exit status 2..255 ⇒ weight = status − 2. */
      readonly dynamicWeight?: number;
    }
  | {
      readonly type: 'failure';
      /** One line for logs and SMTP bodies, e.g. "connection refused", "status code 503". */
      readonly reason: string;
    };

export interface ProbeAttempt {
  /** HTTP_GET/SSL_GET: which url of the checker to test this time (others ignore it). */
  readonly urlIndex: number;
  /** Aborts the attempt (reload, shutdown): the probe resolves promptly with a failure. */
  readonly signal?: AbortSignal;
}

export interface Probe {
  run(attempt: ProbeAttempt): Promise<ProbeOutcome>;
  /** Release sockets/watchers (reload, shutdown). */
  close(): void;
}

/** Polled checkers (FILE_CHECK and BFD_CHECK are event driven and have no probe). */
export type PolledCheckerConfig = Exclude<CheckerConfig, { readonly type: 'FILE_CHECK' | 'BFD_CHECK' }>;

/** What every probe factory gets besides its checker's config. */
export interface ProbeEnv {
  readonly log: Logger;
  /** Top-level `SSL { }` block (SSL_GET client context); undefined = defaults. */
  readonly ssl?: SslConfig;
  /** [0, 1): random payloads, DNS ids, ICMP ids (passed in so tests can seed it). */
  readonly random: () => number;
}

/**
 * Each probe module exports one factory of this shape, e.g.
 * `createTcpProbe(config: TcpCheckConfig, env: ProbeEnv): Probe`.
 */
export type ProbeFactory<C extends PolledCheckerConfig> = (config: C, env: ProbeEnv) => Probe;
