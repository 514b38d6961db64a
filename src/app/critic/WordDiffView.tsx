import { wordDiff } from '../../lib/critic/word-diff';

/** The words that changed between two versions: removed struck through, added underlined; all plain text. */
export function WordDiffView({ before, after }: { before: string; after: string }) {
  return (
    <p className="word-diff" data-testid="version-diff">
      {wordDiff(before, after).map((part, i) =>
        part.op === 'same' ? (
          <span key={i}>{part.text}</span>
        ) : part.op === 'added' ? (
          <ins key={i} data-testid="diff-added">
            {part.text}
          </ins>
        ) : (
          <del key={i} data-testid="diff-removed">
            {part.text}
          </del>
        ),
      )}
    </p>
  );
}
