/**
 * A test module loaded into keepalived-ts with `node --import` (into the parent and, since
 * fork keeps execArgv, into every child it forks): in a child process (`--child=…`) it exits
 * with the status in KTS_TEST_CHILD_EXIT once the parent's Hello has arrived, standing in
 * for a child that fails after start-up. It lives in the tests so that the shipped daemon
 * carries no test hook.
 */
const status = process.env['KTS_TEST_CHILD_EXIT'];
if (status !== undefined && /^[0-9]+$/.test(status) && process.argv.some((a) => a.startsWith('--child='))) {
  // After the child's own Hello handling (a later macrotask), as a real failing child would.
  process.once('message', () => setImmediate(() => process.exit(Number(status))));
}

/** The `node` option that loads this module (its compiled path). */
export const CHILD_EXIT_IMPORT = `--import=${import.meta.url}`;
