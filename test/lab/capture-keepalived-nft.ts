/**
 * Regenerates test/fixtures/nft/*.json: runs Debian's keepalived (2.2.7) under strace in a
 * netns lab (keepalived-capture.ts), one config at a time, and records per phase `nft list
 * ruleset` (and the netlink view of it) plus every nf_tables message keepalived sent,
 * sequence numbers and attribute padding zeroed.
 *
 *   npx tsc -p . && node dist/test/lab/capture-keepalived-nft.js [--only NAME]
 *
 * Needs root, keepalived, nftables and strace. Everything happens inside the lab's namespaces.
 */
import { execFileSync } from 'node:child_process';
import { captureFixtures, fixtureDir, linkIndexes, runIfMain, type CaptureContext, type CapturePhase } from './keepalived-capture.js';
import { nftSendsFromStrace, splitNetlink, withoutSequence, zeroAttributePadding } from './strace-netlink.js';
import { NFT_CAPTURE_SCENARIOS, type NftCaptureScenario, type NftFixturePhase } from './nft-scenarios.js';

function snapshot(ctx: CaptureContext, phase: CapturePhase, sentBefore: number): { phase: NftFixturePhase; sent: number } {
  const { lab, h1, stracePath } = ctx;
  const sends = nftSendsFromStrace(stracePath);
  const batches = sends.slice(sentBefore).map((s) => splitNetlink(s.bytes).map((m) => Buffer.from(zeroAttributePadding(withoutSequence(m))).toString('hex')));
  return {
    phase: {
      phase,
      ruleset: lab.exec(h1, ['nft', 'list', 'ruleset']),
      netlink: phase === 'stopped' ? '' : execFileSync('ip', ['netns', 'exec', h1.ns, 'nft', '--debug=netlink', 'list', 'ruleset'], { encoding: 'utf8' }).split('\ntable ')[0] ?? '',
      links: linkIndexes(lab, h1),
      sent: batches,
    },
    sent: sends.length,
  };
}

runIfMain(import.meta.url, () =>
  captureFixtures<NftCaptureScenario, NftFixturePhase>({
    scenarios: NFT_CAPTURE_SCENARIOS,
    outDir: fixtureDir(import.meta.url, 'nft'),
    needs: { nft: 'nftables' },
    snapshot,
    summary: (p) => `${p.phase} (${p.sent.length} batch(es))`,
  }),
);
