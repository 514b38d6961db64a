import type { StudentErrorName } from '../../lib/core/errors';
import {
  LOCAL_STUDENT_ID,
  modelLabel,
  SCENES_STUDENT_ID,
  SCENES_STUDENT_NOTE,
} from '../../state/slices/settings';
import { ModelUnavailablePanel } from './ModelUnavailablePanel';
import { useStudio, useStudioState } from '../studio-context';

/**
 * The student's model is not on disk and the hub cannot be reached (ModelUnavailableError): one panel
 * that says so and offers the student committed in public/models/ (the trained scenes student once it is
 * there, else the random tiny one). The settings and run panels leave this error to it.
 */
export function StudentUnavailable() {
  const studio = useStudio();
  const error = useStudioState((s) => s.student.error);
  const model = useStudioState((s) => s.settings.model);
  if (error?.name !== STUDENT_UNAVAILABLE) return null;
  const modelId = modelLabel(model);
  return (
    <ModelUnavailablePanel
      testId="student-unavailable"
      what="The student model"
      modelId={modelId}
      why={
        `It is not in this app's public/models/${modelId}/ folder, and the Hugging Face hub it would ` +
        'otherwise come from cannot be reached (no network). The photos wait until a model loads.'
      }
      steps={[
        [
          'Run ',
          { code: 'npm run models:fetch' },
          ' on a machine with internet: it puts the real models in public/models/ (copy that folder here if ' +
            'it was another machine), then reload this page.',
        ],
        ['Or choose a model that is on disk: “Use a local model folder…” in the settings, or the one below.'],
      ]}
      actions={[
        {
          ...LOCAL_STUDENT_ACTION,
          testId: 'use-local-student',
          onClick: () => studio.store.getState().setModel({ kind: 'id', modelId: LOCAL_STUDENT_ID }),
        },
      ]}
      detail={error.message}
    />
  );
}

/** What the panel's button says of the student on disk: honest about what it can caption. */
const LOCAL_STUDENT_ACTION =
  LOCAL_STUDENT_ID === SCENES_STUDENT_ID
    ? {
        label: `Use ${LOCAL_STUDENT_ID} (trained on composed scenes)`,
        note: `${SCENES_STUDENT_NOTE} “Load sample scenes” shows what it can do.`,
      }
    : {
        label: `Use ${LOCAL_STUDENT_ID} (random weights)`,
        note:
          'Random weights: it writes word salad, not captions. It is here only to try the studio’s ' +
          'plumbing (drop, caption, critic, training) without a download.',
      };

/** The name ModelUnavailableError crosses Comlink with (src/lib/core/errors.ts). */
export const STUDENT_UNAVAILABLE: StudentErrorName = 'ModelUnavailableError';
