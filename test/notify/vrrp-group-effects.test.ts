/**
 * A sync group's FIFO lines and SMTP alerts (keepalived.conf(5): vrrp_sync_group `smtp_alert`,
 * global_defs `notify_fifo`), Debian's keepalived 2.2.7 then keepalived-ts on the same config
 * in a lab namespace: a group of VI_1 (tracking eth1) and VI_2 starts, becomes MASTER, faults
 * when eth1 loses its carrier and comes back. The FIFO lines (instance and GROUP, in order)
 * and the mails (subject and body, in order) must equal keepalived's. Only the group has
 * smtp_alert, so only group mails are sent.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { keepalivedCommand, keepalivedTsCommand, type DaemonCommand } from '../lab/lab-daemon.js';
import { waitFor } from '../lab/wait.js';
import { E2e, sleep } from '../e2e/kit.js';
import { SMTP_RECORDER, recorderReady } from './helpers.js';

interface Seen {
  readonly fifo: string[];
  readonly mails: string[];
}

function conf(fifo: string): string {
  const instance = (name: string, vrid: number, vip: string, extra: readonly string[]): string =>
    [`vrrp_instance ${name} {`, '    interface eth0', `    virtual_router_id ${vrid}`, '    priority 150', '    advert_int 0.2', ...extra, '    virtual_ipaddress {', `        ${vip}/24 dev eth0`, '    }', '}'].join('\n');
  return [
    'global_defs {',
    '    router_id LAB1',
    '    vrrp_version 3',
    `    notify_fifo ${fifo}`,
    '    notification_email {',
    '        admin@example.com',
    '    }',
    '    notification_email_from keepalived@example.com',
    '    smtp_server 127.0.0.1 2525',
    '    smtp_helo_name lab1.example.com',
    '}',
    'vrrp_sync_group G1 {',
    '    group {',
    '        VI_1',
    '        VI_2',
    '    }',
    '    smtp_alert',
    '}',
    instance('VI_1', 71, '192.0.2.171', ['    track_interface {', '        eth1', '    }']),
    instance('VI_2', 72, '192.0.2.172', []),
    '',
  ].join('\n');
}

const labs: E2e[] = [];
const servers: ChildProcess[] = [];
after(async () => {
  for (const s of servers) s.kill('SIGTERM');
  for (const e of labs) await e.teardown();
});

const lines = (p: string): string[] => (existsSync(p) ? readFileSync(p, 'utf8').split('\n').filter(Boolean) : []);

/** Subject and body of each mail received, in the order the connections came. */
function mails(dir: string): string[] {
  const conns = readdirSync(dir)
    .filter((n) => /^conn-\d+\.raw$/.test(n))
    .sort((a, b) => Number(/\d+/.exec(a)![0]) - Number(/\d+/.exec(b)![0]));
  return conns.flatMap((n) => {
    const raw = readFileSync(join(dir, n), 'latin1');
    const subject = /^Subject: (.*)\r$/m.exec(raw)?.[1];
    const body = /\r\n\r\n([^]*?)\r\n\.\r\n/.exec(raw)?.[1]?.trim();
    return subject === undefined ? [] : [`${subject} | ${body ?? ''}`];
  });
}

async function run(tag: string, cmd: DaemonCommand): Promise<Seen> {
  const e = E2e.create(1, tag);
  labs.push(e);
  const h = e.host(1);
  const mailDir = join(e.runDir, 'mail');
  mkdirSync(mailDir);
  e.lab.exec(h, ['ip', 'link', 'add', 'eth1', 'type', 'veth', 'peer', 'name', 'eth1p']);
  e.lab.exec(h, ['ip', 'link', 'set', 'eth1', 'up']);
  e.lab.exec(h, ['ip', 'link', 'set', 'eth1p', 'up']);
  const smtpd = e.lab.spawn(h, ['python3', SMTP_RECORDER, mailDir, '127.0.0.1', '2525']);
  servers.push(smtpd);
  await recorderReady(smtpd);
  const fifo = join(e.runDir, 'notify.fifo');
  e.lab.exec(h, ['mkfifo', fifo]);
  e.lab.spawn(h, ['sh', '-c', `exec cat ${fifo} > ${fifo}.log`]);
  const d = e.daemon(h, conf(fifo), { cmd });
  const fifoHas = (n: number, last: string) => (): boolean => lines(`${fifo}.log`).length >= n && lines(`${fifo}.log`).at(-1) === last;
  const what = (s: string) => (): string => `${tag}: ${s}; FIFO: ${lines(`${fifo}.log`).join(' / ')}\n${e.logTails()}`;
  d.start();
  await waitFor(fifoHas(6, 'GROUP "G1" MASTER 0'), 15_000, what('the group MASTER'));
  e.lab.exec(h, ['ip', 'link', 'set', 'eth1p', 'down']);
  await waitFor(fifoHas(9, 'GROUP "G1" FAULT 0'), 10_000, what('the group FAULT'));
  e.lab.exec(h, ['ip', 'link', 'set', 'eth1p', 'up']);
  await waitFor(fifoHas(15, 'GROUP "G1" MASTER 0'), 10_000, what('the group MASTER again'));
  await waitFor(() => mails(mailDir).length >= 5, 10_000, what(`five mails, got ${mails(mailDir).join(' / ')}`));
  await sleep(1000);
  const seen = { fifo: lines(`${fifo}.log`), mails: mails(mailDir) };
  await d.stop();
  smtpd.kill('SIGTERM');
  await e.teardown();
  return seen;
}

let oracle: Seen;

before(async () => {
  oracle = await run('sgfk', keepalivedCommand());
});

test('keepalived 2.2.7: GROUP lines after the members\', one mail per group state', () => {
  const group = (s: string): string => `[LAB1] VRRP Group G1 - Entering ${s} state | => All VRRP group instances are now in ${s} state <=`;
  assert.deepEqual(oracle.mails, [group('BACKUP'), group('MASTER'), group('FAULT'), group('BACKUP'), group('MASTER')]);
  assert.deepEqual(oracle.fifo.slice(0, 3), ['GROUP "G1" BACKUP 0', 'INSTANCE "VI_1" BACKUP 150', 'INSTANCE "VI_2" BACKUP 150'], 'at start-up the group first');
  assert.deepEqual(oracle.fifo.slice(6, 9), ['INSTANCE "VI_1" FAULT 150', 'INSTANCE "VI_2" FAULT 150', 'GROUP "G1" FAULT 0']);
});

test('keepalived-ts: the same FIFO lines and mails, in the same order', async () => {
  const ours = await run('sgft', keepalivedTsCommand());
  assert.deepEqual(ours.fifo, oracle.fifo);
  assert.deepEqual(ours.mails, oracle.mails);
});
