import type { Page } from '@playwright/test';

/**
 * Counts the page's web workers whose script URL contains `name` (e.g. 'teacher' for teacher.worker-<hash>.js),
 * and the most that were alive at once: one tab runs one teacher and one student, never two of either
 * (a second would load a second copy of the model and take the same queued work).
 */
export function watchWorkers(
  page: Page,
  name: string,
): { readonly mostAtOnce: number; readonly started: number } {
  let alive = 0;
  let mostAtOnce = 0;
  let started = 0;
  page.on('worker', (worker) => {
    if (!worker.url().includes(name)) return;
    started++;
    alive++;
    mostAtOnce = Math.max(mostAtOnce, alive);
    worker.on('close', () => alive--);
  });
  return {
    get mostAtOnce() {
      return mostAtOnce;
    },
    get started() {
      return started;
    },
  };
}
