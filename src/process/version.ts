/** Who this program is: the version it reports and the keepalived release it matches. */
export const KTS_VERSION = '0.1.0';
export const COMPAT_VERSION = '2.2.7';

/** First log line of the parent, `-v` output's first line. */
export const VERSION_BANNER = `Keepalived-ts v${KTS_VERSION} (compatible with Keepalived v${COMPAT_VERSION})`;
