import type { Plain } from './plainWords.ts';

/** A plain-words message with its technical detail folded away (for whoever debugs). */
export function ProblemText({ problem }: { problem: Plain }) {
  return (
    <>
      {problem.text}
      {problem.detail && (
        <details className="detail">
          <summary>Details</summary>
          <code>{problem.detail}</code>
        </details>
      )}
    </>
  );
}
