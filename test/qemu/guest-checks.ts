/**
 * Self-checking scripts run inside the qemu guest (ipvs-client-guest.ts,
 * data-plane-guest.ts): every check prints `ok N - name` or `not ok N - name` with the
 * error, and the last line is `LABEL RESULT: PASS <n> checks` or `LABEL RESULT: FAIL …`;
 * the exit status is 0 only on PASS. The host-side test reads that line.
 */
export interface GuestChecks {
  check(name: string, fn: () => unknown): Promise<void>;
  /** Runs `main`, prints the result line and exits. */
  run(main: () => Promise<void>): void;
}

export function guestChecks(label: string): GuestChecks {
  let checks = 0;
  const failures: string[] = [];
  return {
    async check(name, fn) {
      checks++;
      try {
        await fn();
        console.log(`ok ${checks} - ${name}`);
      } catch (e) {
        failures.push(name);
        console.log(`not ok ${checks} - ${name}\n  ${(e instanceof Error ? (e.stack ?? e.message) : String(e)).split('\n').join('\n  ')}`);
      }
    },
    run(main) {
      main().then(
        () => {
          if (failures.length === 0) {
            console.log(`${label} RESULT: PASS ${checks} checks`);
            process.exit(0);
          }
          console.log(`${label} RESULT: FAIL ${failures.length}/${checks} checks failed: ${failures.join('; ')}`);
          process.exit(1);
        },
        (e: unknown) => {
          console.log(`${label} RESULT: FAIL setup: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
          process.exit(1);
        },
      );
    },
  };
}
