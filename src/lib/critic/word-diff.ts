/**
 * A word diff between two caption versions, for the UI: the longest common subsequence of words (case and
 * punctuation included, so "Cat." → "cats." shows), with the whitespace kept as it was in the newer text.
 */
export type DiffOp = 'same' | 'added' | 'removed';

export interface DiffPart {
  readonly op: DiffOp;
  readonly text: string;
}

/** Words with the whitespace that follows each; concatenated they give the text back. */
function words(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

const core = (w: string): string => w.trimEnd();

export function wordDiff(before: string, after: string): DiffPart[] {
  const a = words(before);
  const b = words(after);
  // lcs[i][j] = LCS length of a[i..] and b[j..]; captions are short (≤ 400 characters), so O(n·m) is fine.
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] =
        core(a[i]!) === core(b[j]!) ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const parts: DiffPart[] = [];
  const push = (op: DiffOp, text: string): void => {
    const last = parts.at(-1);
    if (last?.op === op) parts[parts.length - 1] = { op, text: last.text + text };
    else parts.push({ op, text });
  };
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (core(a[i]!) === core(b[j]!)) {
      push('same', b[j]!);
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) {
      push('removed', a[i++]!);
    } else {
      push('added', b[j++]!);
    }
  }
  while (i < a.length) push('removed', a[i++]!);
  while (j < b.length) push('added', b[j++]!);
  return parts;
}
