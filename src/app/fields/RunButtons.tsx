import type { RunButtonsState } from './run-buttons';

/** The test ids of one run's buttons (the e2e page objects find them by these). */
export interface RunButtonIds {
  pause: string;
  resume: string;
  cancel: string;
}

/**
 * A run's Pause (or Resume, where Pause stood) and Cancel buttons, for captioning, the critic and training alike.
 * Rendered without a wrapper: they sit in their panel's own button row, between its other buttons.
 */
export function RunButtons(props: {
  state: RunButtonsState;
  testIds: RunButtonIds;
  onPause: () => void;
  onResume: () => void;
  onCancel: () => void;
  /** Training says "Stop": a stopped run can be continued from its checkpoint. */
  cancelLabel?: string;
  pauseTitle?: string;
}) {
  const { state, testIds } = props;
  return (
    <>
      {state.resumes ? (
        <button type="button" data-testid={testIds.resume} onClick={() => props.onResume()}>
          Resume
        </button>
      ) : (
        <button
          type="button"
          data-testid={testIds.pause}
          disabled={!state.canPause}
          onClick={() => props.onPause()}
          title={props.pauseTitle}
        >
          Pause
        </button>
      )}
      <button
        type="button"
        data-testid={testIds.cancel}
        disabled={!state.canCancel}
        onClick={() => props.onCancel()}
      >
        {props.cancelLabel ?? 'Cancel'}
      </button>
    </>
  );
}
