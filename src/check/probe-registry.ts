/**
 * Which probe module handles which checker type. The integrator fills PROBE_FACTORIES with
 * the modules of src/check/probes/ (createTcpProbe, createHttpProbe, …); a type without an
 * entry has no probe (the scheduler warns once), except TCP_CHECK, which falls back to the
 * minimal connect probe of this directory.
 */
import type { HttpCheckConfig } from '../config/model-lvs.js';
import type { PolledCheckerConfig, Probe, ProbeEnv, ProbeFactory } from './probe.js';
import { createFallbackTcpProbe } from './fallback-tcp-probe.js';

type ConfigOf<K extends PolledCheckerConfig['type']> = K extends HttpCheckConfig['type'] ? HttpCheckConfig : Extract<PolledCheckerConfig, { readonly type: K }>;

export type ProbeRegistry = { readonly [K in PolledCheckerConfig['type']]?: ProbeFactory<ConfigOf<K>> };

export type CreateProbe = (config: PolledCheckerConfig, env: ProbeEnv) => Probe | undefined;

/** Filled by the integrator (one line per probe module). */
export const PROBE_FACTORIES: ProbeRegistry = {};

export function probeFromRegistry(reg: ProbeRegistry): CreateProbe {
  return (config, env) => {
    switch (config.type) {
      case 'TCP_CHECK':
        return (reg.TCP_CHECK ?? createFallbackTcpProbe)(config, env);
      case 'HTTP_GET':
        return reg.HTTP_GET?.(config, env);
      case 'SSL_GET':
        return reg.SSL_GET?.(config, env);
      case 'SMTP_CHECK':
        return reg.SMTP_CHECK?.(config, env);
      case 'DNS_CHECK':
        return reg.DNS_CHECK?.(config, env);
      case 'UDP_CHECK':
        return reg.UDP_CHECK?.(config, env);
      case 'PING_CHECK':
        return reg.PING_CHECK?.(config, env);
      case 'MISC_CHECK':
        return reg.MISC_CHECK?.(config, env);
    }
  };
}
