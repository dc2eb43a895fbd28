/** Outcome of parsing untrusted input: never thrown, always returned. */
export type Result<T, R = string> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: R };

export const ok = <T>(value: T): { readonly ok: true; readonly value: T } => ({ ok: true, value });
export const fail = <R>(reason: R): { readonly ok: false; readonly reason: R } => ({ ok: false, reason });

/** Exhaustiveness guard for discriminated-union switches. */
export function assertNever(x: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(x)}`);
}
