/**
 * The HTTP_GET/SSL_GET verdict on a complete response (keepalived.conf(5) url): status code
 * in the url's ranges, then the body MD5 against `digest`, then the regex. keepalived uses
 * PCRE2; we use JS RegExp over the body read as latin1 (one char per byte, so offsets are
 * byte offsets). Pure.
 */
import type { HttpUrlConfig, StatusCodeRange } from '../../config/lvs/model.js';
import { fail, ok, type Result } from '../../core/result.js';
import type { ProbeOutcome } from '../probe.js';
import type { HttpResponse } from './http-response.js';
import { errorMessage } from '../../core/errors.js';

/** PCRE2 option names (regex_options) with a JS RegExp equivalent; the rest are ignored. */
const REGEX_FLAGS: Readonly<Record<string, string>> = {
  caseless: 'i',
  dotall: 's',
  multiline: 'm',
  utf: 'u',
  ucp: 'u',
};

export interface CompiledUrlRegex {
  readonly re: RegExp;
  /** regex_options words with no JS equivalent (logged once). */
  readonly ignoredOptions: readonly string[];
}

export function compileUrlRegex(source: string, options: string | undefined): Result<CompiledUrlRegex, string> {
  const flags = new Set<string>(['g']); // 'g' so lastIndex sets regex_min_offset
  const ignored: string[] = [];
  for (const word of (options ?? '').split(/\s+/).filter(Boolean)) {
    const f = REGEX_FLAGS[word];
    if (f !== undefined) flags.add(f);
    else ignored.push(word);
  }
  try {
    return ok({ re: new RegExp(source, [...flags].join('')), ignoredOptions: ignored });
  } catch (e) {
    return fail(`invalid regex '${source}': ${errorMessage(e)}`);
  }
}

export function statusAccepted(code: number, ranges: readonly StatusCodeRange[]): boolean {
  return ranges.some(([lo, hi]) => code >= lo && code <= hi);
}

/** Does the regex match, starting at or after minOffset and at or before maxOffset? */
export function regexMatches(re: RegExp, body: Buffer, minOffset = 0, maxOffset?: number): boolean {
  re.lastIndex = minOffset;
  const m = re.exec(body.toString('latin1'));
  re.lastIndex = 0;
  return m !== null && (maxOffset === undefined || m.index <= maxOffset);
}

export function judgeHttpResponse(url: HttpUrlConfig, res: HttpResponse, regex: RegExp | undefined): ProbeOutcome {
  const code = res.head.statusCode;
  if (code === undefined) return { type: 'failure', reason: 'invalid HTTP status line' };
  if (!statusAccepted(code, url.statusCodes)) return { type: 'failure', reason: `HTTP status code ${code}` };
  if (url.digest !== undefined && res.md5 !== url.digest) {
    return { type: 'failure', reason: `digest mismatch: got ${res.md5}, expected ${url.digest}` };
  }
  if (regex !== undefined) {
    const matched = regexMatches(regex, res.regexWindow, url.regexMinOffset, url.regexMaxOffset);
    if (matched && url.regexNoMatch) return { type: 'failure', reason: 'regex matched (regex_no_match)' };
    if (!matched && !url.regexNoMatch) return { type: 'failure', reason: 'regex did not match' };
  }
  return { type: 'success' };
}
