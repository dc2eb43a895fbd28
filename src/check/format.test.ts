import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lvsConfig } from '../test-kit/lvs-sim.js';
import { formatChecker, formatRs } from './format.js';

test('FMT_RS: the VS protocol, and "none" for a fwmark VS (as keepalived 2.2.7 logs it)', () => {
  const cfg = lvsConfig(
    'virtual_server 192.0.2.1 80 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n real_server 192.0.2.10 8080 {\n }\n}\n' +
      'virtual_server fwmark 7 {\n lb_algo rr\n lb_kind DR\n real_server 192.0.2.17 80 {\n TCP_CHECK {\n connect_port 80\n }\n }\n}\n',
  );
  const [ip, fwm] = cfg.virtualServers;
  assert.ok(ip && fwm);
  assert.equal(formatRs(ip.realServers[0]!, ip), '[192.0.2.10]:tcp:8080');
  // The fwmark DR RS port is cleared to 0 by the config (keepalived's "has port specified - clearing").
  const rs = fwm.realServers[0]!;
  assert.equal(formatRs(rs, fwm), '[192.0.2.17]:none:0');
  assert.equal(formatChecker(rs.checkers[0]!, rs, fwm), '[192.0.2.17]:none:80');
});
