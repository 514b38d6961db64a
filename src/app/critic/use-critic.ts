import type { Critic } from '../../flows/critic/critic';
import { useStudio, useStudioCritic } from '../studio-context';
import { installCriticTestHook } from './test-hook';

/** The studio's critic (created once, by src/flows/wiring.ts; its test hook in test builds). */
export function useCritic(): Critic {
  const studio = useStudio();
  const critic = useStudioCritic();
  installCriticTestHook(studio, critic);
  return critic;
}
