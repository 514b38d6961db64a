import type { Critic } from '../../flows/critic/critic';
import { browserCritic } from '../../flows/critic/browser-critic';
import { useStudio } from '../studio-context';
import { installCriticTestHook } from './test-hook';

/** The studio's critic (created once per studio, with its test hook in test builds). */
export function useCritic(): Critic {
  const studio = useStudio();
  const critic = browserCritic(studio);
  installCriticTestHook(studio, critic);
  return critic;
}
