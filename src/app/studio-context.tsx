import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { Studio } from '../flows/studio';
import type { StudioState } from '../state/studio-state';

const StudioContext = createContext<Studio | null>(null);

export function StudioProvider({ studio, children }: { studio: Studio; children: ReactNode }) {
  return <StudioContext.Provider value={studio}>{children}</StudioContext.Provider>;
}

/** The studio's actions (add files, pause, cancel...). */
export function useStudio(): Studio {
  const studio = useContext(StudioContext);
  if (studio === null) throw new Error('useStudio outside <StudioProvider>');
  return studio;
}

/** A slice of the state; the component re-renders when the selected value changes. */
export function useStudioState<T>(selector: (state: StudioState) => T): T {
  return useStore(useStudio().store, selector);
}
