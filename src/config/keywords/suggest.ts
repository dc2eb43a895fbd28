/** "Did you mean" for unknown keywords: the closest known keyword by edit distance. */

export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur.push(Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** The best candidate within max(2, len/3) edits (case differences count as 1), or undefined. */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  const limit = Math.max(2, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    // The edit distance is at least the length difference: such a candidate can neither
    // be within the limit nor beat the best so far (keeps big tables and fuzzed words cheap).
    const gap = Math.abs(c.length - word.length);
    if (gap > limit || gap >= bestD) continue;
    const d = c.toLowerCase() === word.toLowerCase() ? 1 : editDistance(word, c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return bestD <= limit ? best : undefined;
}
