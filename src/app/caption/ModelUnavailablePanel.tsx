/**
 * One friendly panel for "this model is not here": which model, why, what to do, and buttons for the
 * choices that work right now. Everything is React text (model ids and messages are never HTML). The
 * student uses it (StudentUnavailable.tsx); the teacher can too.
 */

/** A piece of a step: plain text, or a command a person types (shown as code). */
export type StepPart = string | { readonly code: string };

export interface ModelUnavailableAction {
  readonly label: string;
  readonly testId: string;
  /** Said next to the button: what choosing it gives (honest about a model's limits). */
  readonly note?: string;
  readonly onClick: () => void;
}

export interface ModelUnavailablePanelProps {
  /** What could not be loaded, e.g. 'The student model'. */
  readonly what: string;
  readonly modelId: string;
  /** Why, in a sentence: where it was looked for and what failed. */
  readonly why: string;
  /** What a person can do, one step per entry. */
  readonly steps: readonly (readonly StepPart[])[];
  readonly actions?: readonly ModelUnavailableAction[];
  /** The error as the code reported it, folded away (for a bug report, not for reading first). */
  readonly detail?: string;
  readonly testId: string;
}

export function ModelUnavailablePanel(props: ModelUnavailablePanelProps) {
  const { what, modelId, why, steps, actions = [], detail, testId } = props;
  return (
    <section className="banner banner-warning model-unavailable" role="alert" data-testid={testId}>
      <h2 className="model-unavailable-title">
        {what} <code data-testid={`${testId}-model`}>{modelId}</code> could not be loaded
      </h2>
      <p data-testid={`${testId}-why`}>{why}</p>
      <p>What to do:</p>
      <ul>
        {steps.map((parts, i) => (
          <li key={i}>
            {parts.map((part, j) => (typeof part === 'string' ? part : <code key={j}>{part.code}</code>))}
          </li>
        ))}
      </ul>
      {actions.length > 0 && (
        <div className="model-unavailable-actions">
          {actions.map((action) => (
            <p key={action.testId}>
              <button type="button" data-testid={action.testId} onClick={action.onClick}>
                {action.label}
              </button>
              {action.note !== undefined && <span className="model-unavailable-note">{action.note}</span>}
            </p>
          ))}
        </div>
      )}
      {detail !== undefined && (
        <details className="model-unavailable-detail">
          <summary>Technical detail</summary>
          <p data-testid={`${testId}-detail`}>{detail}</p>
        </details>
      )}
    </section>
  );
}
