/**
 * SMTP_CHECK dialogue as a pure state machine (RFC 5321 §4.2 reply syntax): banner 220 →
 * `HELO name` → 250 → `QUIT` → 221. Fed raw bytes, it answers with what to send next or
 * the verdict. Multi-line replies (`250-…` lines then `250 …`) count as one reply.
 */
export type SmtpStep =
  | { readonly type: 'wait' }
  | { readonly type: 'send'; readonly data: string }
  | { readonly type: 'done' }
  | { readonly type: 'fail'; readonly reason: string };

/** Longest reply text we buffer before calling it garbage. */
export const SMTP_MAX_REPLY_BYTES = 16384;

type Stage = 'banner' | 'helo' | 'quit' | 'done';

const EXPECT: Readonly<Record<Exclude<Stage, 'done'>, number>> = { banner: 220, helo: 250, quit: 221 };

export class SmtpDialog {
  private stage: Stage = 'banner';
  private buf = '';

  constructor(private readonly heloName: string) {}

  /** The stage we are waiting in (for failure messages). */
  get waitingFor(): string {
    return this.stage;
  }

  feed(chunk: string): SmtpStep {
    this.buf += chunk;
    for (;;) {
      const nl = this.buf.indexOf('\n');
      if (nl < 0) {
        if (this.buf.length > SMTP_MAX_REPLY_BYTES) return { type: 'fail', reason: 'reply line too long' };
        return { type: 'wait' };
      }
      const line = this.buf.slice(0, nl).replace(/\r$/, '');
      this.buf = this.buf.slice(nl + 1);
      const m = /^(\d{3})([ -]|$)/.exec(line);
      if (!m) return { type: 'fail', reason: `malformed reply '${line.slice(0, 40)}'` };
      if (m[2] === '-') continue; // continuation of a multi-line reply
      const code = Number(m[1]);
      if (this.stage === 'done') return { type: 'done' };
      const want = EXPECT[this.stage];
      if (code !== want) return { type: 'fail', reason: `${this.stage}: expected ${want}, got ${code}` };
      switch (this.stage) {
        case 'banner':
          this.stage = 'helo';
          return { type: 'send', data: `HELO ${this.heloName}\r\n` };
        case 'helo':
          this.stage = 'quit';
          return { type: 'send', data: 'QUIT\r\n' };
        case 'quit':
          this.stage = 'done';
          return { type: 'done' };
      }
    }
  }
}
