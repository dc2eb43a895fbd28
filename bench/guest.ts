/**
 * The one place the benchmarks boot a qemu guest with an IPVS kernel (the host kernel has
 * no ip_vs). Uses the project's runner test/qemu/qemu-vm.ts (`runInGuest`) once it is built;
 * until then a qemu-ipvs.sh-compatible script named by QEMU_IPVS_SH (`SCRIPT run --share
 * DIR… 'command'`, QEMU_MEM and BOOT_TIMEOUT from the environment). Shared directories
 * appear read-write at the same path in the guest; the host's / is read-only there.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface GuestRunOptions {
  readonly command: string;
  readonly shares: readonly string[];
  readonly timeoutMs: number;
  readonly memMiB: number;
}

export interface GuestRunResult {
  readonly rc: number;
  readonly output: string;
  readonly wallMs: number;
}

type RunInGuest = (o: { command: string; shares?: string[]; timeoutMs?: number; memMiB?: number }) => Promise<{ rc: number; output: string; wallMs: number }>;

async function projectRunner(): Promise<RunInGuest | undefined> {
  const path = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'qemu', 'qemu-vm.js');
  if (!existsSync(path)) return undefined;
  const mod = (await import(path)) as { runInGuest?: RunInGuest };
  return mod.runInGuest;
}

function scriptRunner(script: string, o: GuestRunOptions): Promise<GuestRunResult> {
  const t0 = Date.now();
  const args = ['run', ...o.shares.flatMap((s) => ['--share', s]), o.command];
  const env = { ...process.env, QEMU_MEM: String(o.memMiB), BOOT_TIMEOUT: String(Math.ceil(o.timeoutMs / 1000)) };
  return new Promise((resolve, reject) => {
    const p = spawn(script, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    p.stdout.on('data', (b: Buffer) => (output += b.toString()));
    p.stderr.on('data', (b: Buffer) => (output += b.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolve({ rc: code ?? 1, output, wallMs: Date.now() - t0 }));
  });
}

/** Runs `command` (sh) as root in a fresh guest with IPVS; throws if no runner is available. */
export async function runInIpvsGuest(o: GuestRunOptions, env: NodeJS.ProcessEnv = process.env): Promise<GuestRunResult> {
  const run = await projectRunner();
  if (run) return run({ command: o.command, shares: [...o.shares], timeoutMs: o.timeoutMs, memMiB: o.memMiB });
  const script = env['QEMU_IPVS_SH'];
  if (script === undefined || script === '') throw new Error('no qemu runner: build test/qemu/qemu-vm.ts, or set QEMU_IPVS_SH to a qemu-ipvs.sh');
  return scriptRunner(script, o);
}
