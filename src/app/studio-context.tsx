import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { Critic } from '../flows/critic/critic';
import type { Studio } from '../flows/studio';
import type { StudioState } from '../state/studio-state';

/** The page's one studio and one critic, as src/flows/wiring.ts made them. */
interface StudioFlows {
  readonly studio: Studio;
  readonly critic: Critic;
}

const StudioContext = createContext<StudioFlows | null>(null);

export function StudioProvider({ studio, critic, children }: StudioFlows & { children: ReactNode }) {
  const flows = useMemo(() => ({ studio, critic }), [studio, critic]);
  return <StudioContext.Provider value={flows}>{children}</StudioContext.Provider>;
}

function useStudioFlows(): StudioFlows {
  const flows = useContext(StudioContext);
  if (flows === null) throw new Error('useStudio outside <StudioProvider>');
  return flows;
}

/** The studio's actions (add files, pause, cancel...). */
export function useStudio(): Studio {
  return useStudioFlows().studio;
}

/** The studio's critic (src/app/critic/use-critic.ts adds its test hook). */
export function useStudioCritic(): Critic {
  return useStudioFlows().critic;
}

/** A slice of the state; the component re-renders when the selected value changes. */
export function useStudioState<T>(selector: (state: StudioState) => T): T {
  return useStore(useStudio().store, selector);
}
