/**
 * Lab pieces for the checker-child tests (the `-C` daemon under LabDaemon, TCP listeners a
 * test stops and restarts): one implementation, in matrix-kit.ts.
 */
export { CheckerLabDaemon, startListener, stopProc as stopListener } from './matrix-kit.js';
