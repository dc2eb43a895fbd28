/**
 * Incremental reader of an HTTP response as HTTP_GET/SSL_GET and genhash see it: the
 * header block up to the first CRLFCRLF (status code from the status line), then the raw
 * body bytes until EOF streamed into MD5 — no chunked or compression decoding, exactly
 * like keepalived, so the digest matches genhash. Pure apart from node:crypto hashing;
 * bounded: a header block, body or regex window beyond its cap is an error, never growth.
 */
import { createHash, type Hash } from 'node:crypto';
import { fail, ok, type Result } from '../../core/result.js';

export interface HttpResponseLimits {
  readonly maxHeaderBytes: number;
  /** Reading stops with "body too large" past this many body bytes. */
  readonly maxBodyBytes: number;
  /** Only the first this-many body bytes are kept for the regex. */
  readonly maxRegexBytes: number;
}

export const DEFAULT_HTTP_LIMITS: HttpResponseLimits = {
  maxHeaderBytes: 64 * 1024,
  maxBodyBytes: 16 * 1024 * 1024,
  maxRegexBytes: 1024 * 1024,
};

export interface HttpResponseHead {
  /** The header block as received, including the terminating CRLFCRLF. */
  readonly raw: Buffer;
  /** undefined when the first line is not `HTTP/x.y NNN …`. */
  readonly statusCode: number | undefined;
}

export interface HttpResponse {
  readonly head: HttpResponseHead;
  readonly bodyBytes: number;
  /** 32 lowercase hex digits over the raw body. */
  readonly md5: string;
  /** The body's first maxRegexBytes bytes. */
  readonly regexWindow: Buffer;
}

export interface HttpResponseHooks {
  readonly onHead?: (head: HttpResponseHead) => void;
  readonly onBody?: (chunk: Buffer) => void;
}

export type PushResult = { readonly type: 'more' } | { readonly type: 'error'; readonly reason: string };

const HEADER_END = Buffer.from('\r\n\r\n', 'latin1');
const MORE: PushResult = { type: 'more' };

/** `HTTP/1.1 200 OK` → 200; anything else → undefined. */
export function parseStatusLine(head: Buffer): number | undefined {
  const eol = head.indexOf('\r\n');
  const line = head.subarray(0, eol < 0 ? head.length : eol).toString('latin1');
  const m = /^HTTP\/\d+(?:\.\d+)? +(\d{3})(?:[ \t]|$)/.exec(line);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

export class HttpResponseReader {
  private headParts: Buffer[] = [];
  private headLen = 0;
  private head: HttpResponseHead | undefined;
  private readonly md5: Hash = createHash('md5');
  private bodyBytes = 0;
  private readonly regexParts: Buffer[] = [];
  private regexLen = 0;
  private failed: string | undefined;

  constructor(
    private readonly limits: HttpResponseLimits = DEFAULT_HTTP_LIMITS,
    /** genhash -v: sees the header block once complete, then every body chunk. */
    private readonly hooks: HttpResponseHooks = {},
  ) {}

  get headerReceived(): HttpResponseHead | undefined {
    return this.head;
  }

  get received(): number {
    return this.headLen + this.bodyBytes;
  }

  push(chunk: Uint8Array): PushResult {
    if (this.failed !== undefined) return { type: 'error', reason: this.failed };
    const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.head !== undefined) return this.body(buf);
    // Search only the new bytes plus the 3 before them: the terminator may straddle chunks.
    const prev = this.headLen;
    this.headParts.push(buf);
    this.headLen += buf.length;
    const all = this.headParts.length === 1 ? buf : Buffer.concat(this.headParts, this.headLen);
    this.headParts = [all];
    const end = all.indexOf(HEADER_END, Math.max(0, prev - 3));
    if (end < 0) {
      if (this.headLen > this.limits.maxHeaderBytes) return this.fail(`header block too large (> ${this.limits.maxHeaderBytes} bytes)`);
      return MORE;
    }
    const raw = all.subarray(0, end + HEADER_END.length);
    if (raw.length > this.limits.maxHeaderBytes) return this.fail(`header block too large (> ${this.limits.maxHeaderBytes} bytes)`);
    this.head = { raw, statusCode: parseStatusLine(raw) };
    this.hooks.onHead?.(this.head);
    this.headParts = [];
    this.headLen = raw.length;
    const rest = all.subarray(raw.length);
    return rest.length > 0 ? this.body(rest) : MORE;
  }

  /** At EOF: the complete response, or why there is none. */
  finish(): Result<HttpResponse, string> {
    if (this.failed !== undefined) return fail(this.failed);
    if (this.head === undefined) {
      return fail(this.headLen === 0 ? 'connection closed without a response' : 'connection closed before the end of the HTTP header');
    }
    return ok({
      head: this.head,
      bodyBytes: this.bodyBytes,
      md5: this.md5.digest('hex'),
      regexWindow: Buffer.concat(this.regexParts, this.regexLen),
    });
  }

  private body(buf: Buffer): PushResult {
    this.bodyBytes += buf.length;
    if (this.bodyBytes > this.limits.maxBodyBytes) return this.fail(`body too large (> ${this.limits.maxBodyBytes} bytes)`);
    this.md5.update(buf);
    if (this.regexLen < this.limits.maxRegexBytes) {
      const take = buf.subarray(0, this.limits.maxRegexBytes - this.regexLen);
      this.regexParts.push(Buffer.from(take)); // copy: the socket may reuse its buffer
      this.regexLen += take.length;
    }
    this.hooks.onBody?.(buf);
    return MORE;
  }

  private fail(reason: string): PushResult {
    this.failed = reason;
    return { type: 'error', reason };
  }
}
