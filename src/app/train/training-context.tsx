import { createContext, useContext, type ReactNode } from 'react';
import type { TrainingActions } from '../../flows/train/browser-training';

const TrainingContext = createContext<TrainingActions | null>(null);

export function TrainingProvider({ actions, children }: { actions: TrainingActions; children: ReactNode }) {
  return <TrainingContext.Provider value={actions}>{children}</TrainingContext.Provider>;
}

/** Train, pause, roll back, export… (the state itself is read with useStudioState). */
export function useTraining(): TrainingActions {
  const actions = useContext(TrainingContext);
  if (actions === null) throw new Error('useTraining outside <TrainingProvider>');
  return actions;
}
