import tseslint from 'typescript-eslint';

// Pure code vs I/O adapters (docs/architecture.md "Layers"): codecs, state machines, the
// config compiler, retry and quorum logic take time, randomness and I/O from their caller.
// Only the files below may open sockets, files or processes, or read the real clock.
// The folder layering itself (which folder imports which) is scripts/check-layers.mjs.

/**
 * Folders whose files are pure unless listed in ADAPTERS: every folder of src/ but sys/
 * (the OS) and test-kit/ (unit-test helpers). To let a folder's remaining violations land
 * while they are being fixed, take it out of here and name it with a why; don't widen ADAPTERS.
 */
const PURE_FOLDERS = ['core', 'netlink', 'config', 'process', 'notify', 'ipvs', 'vrrp', 'check', 'genhash', 'watchdog', 'cli'];

/**
 * The adapters and composition roots: the only files of those folders that do I/O, run
 * real timers or read the real clock, each for the reason given. src/sys/ (the OS) and
 * src/test-kit/ (unit-test helpers) are adapters as a whole and not checked.
 */
const ADAPTERS = [
  // Sockets and kernel clients by name: netlink, raw, syslog, VRRP sockets; rtnetlink and IPVS clients.
  'src/**/*-socket.ts',
  'src/**/*-client.ts',
  'src/**/*-sender.ts',
  // Script processes (notify, MISC_CHECK) with their timeouts; the files and accounts the
  // script security check looks at.
  'src/**/runner.ts',
  'src/notify/script-host.ts',
  // Composition roots: each builds the real adapters (clock, sockets, runners) for its process.
  'src/**/daemon.ts',
  'src/cli/keepalived-ts.ts',
  'src/cli/config-test.ts',
  'src/genhash/genhash.ts',
  'src/watchdog/parent.ts',
  'src/watchdog/child-entry.ts',
  'src/watchdog/supervisor.ts',
  // Builds the parent's notify socket and control socket and joins them to the supervisors.
  'src/watchdog/parent-services.ts',
  'src/watchdog/process-logger.ts',
  // Real-time signals Node cannot name: caught through the addon's uv_signal watcher.
  'src/watchdog/rt-signals.ts',
  // -t's look at the host: interfaces, script files, accounts, network namespaces.
  'src/cli/host-probe.ts',
  // The parent's config reads run on a worker thread (the thread's body and its starter).
  'src/cli/config-worker.ts',
  'src/cli/daemon-config.ts',
  // The process clock itself.
  'src/core/real-clock.ts',
  // Files: pid files, notify FIFOs, config sources, FILE_CHECK's watched file.
  'src/watchdog/pidfile.ts',
  'src/notify/fifo-writer.ts',
  'src/config/source/fs-reader.ts',
  'src/config/read-config.ts',
  'src/check/file-watch.ts',
  // The thread that starts vrrp_scripts (posix_spawn off the event loop).
  'src/notify/spawn-thread.ts',
  // VRRP trackers: vrrp_script processes, track_file reads and directory watches, /proc scans.
  'src/vrrp/trackers/tracker-io.ts',
  'src/vrrp/trackers/track-file-io.ts',
  'src/vrrp/trackers/process-scan.ts',
  // SMTP alerts: a TCP client with its own dialogue deadlines and the Date header.
  'src/notify/smtp-alert.ts',
  // Checker probes that open sockets or run a process, one attempt each with a real deadline.
  'src/check/probes/http.ts',
  'src/check/probes/ssl.ts',
  'src/check/probes/smtp.ts',
  'src/check/probes/tcp.ts',
  'src/check/probes/tcp-native.ts',
  'src/check/probes/udp-exchange.ts',
  'src/check/probes/ping.ts',
  'src/check/probes/misc.ts',
  // The probes' deadline waits for libuv's poll phases (setImmediate): a real event-loop timer.
  'src/check/probes/attempt-guard.ts',
];

const IO_MODULES = ['node:dgram', 'node:child_process', 'node:http', 'node:https', 'node:tls', 'node:fs', 'node:fs/promises', 'node:timers', 'node:timers/promises'];

const TIME = 'time comes from the Clock the caller passes in (src/core/clock.ts); only adapters read the real one (eslint.config.js ADAPTERS)';
const RANDOM = 'randomness is passed in (a `random: () => number` dependency) so that tests can seed it';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'native/build/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': 'off',
    },
  },
  {
    // Pure files import no I/O module and nothing from the OS layer, run no real timer, and
    // read neither the real clock nor Math.random.
    files: PURE_FOLDERS.map((f) => `src/${f}/**/*.ts`),
    ignores: ['**/*.test.ts', ...ADAPTERS],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            ...IO_MODULES.map((name) => ({ name, message: 'I/O lives in the adapters (eslint.config.js ADAPTERS)', allowTypeImports: true })),
            // node:net's address predicates are pure (genhash validates -s with inet_pton's rules).
            { name: 'node:net', allowImportNames: ['isIP', 'isIPv4', 'isIPv6'], message: 'I/O lives in the adapters (eslint.config.js ADAPTERS)', allowTypeImports: true },
            { name: 'node:crypto', importNames: ['randomBytes', 'randomInt', 'randomUUID', 'getRandomValues'], message: RANDOM },
          ],
          patterns: [{ group: ['**/sys/*'], message: 'src/sys is the OS: only adapters use it (eslint.config.js ADAPTERS)', allowTypeImports: true }],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...['setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'clearImmediate', 'performance'].map((name) => ({ name, message: TIME })),
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: TIME },
        { object: 'process', property: 'hrtime', message: TIME },
        { object: 'process', property: 'uptime', message: TIME },
        { object: 'Math', property: 'random', message: RANDOM },
        { object: 'crypto', property: 'getRandomValues', message: RANDOM },
        { object: 'crypto', property: 'randomUUID', message: RANDOM },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: `new Date() reads the wall clock: ${TIME}` },
        { selector: "CallExpression[callee.name='Date']", message: `Date() reads the wall clock: ${TIME}` },
      ],
    },
  },
);
