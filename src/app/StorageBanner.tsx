import { useStudio, useStudioState } from './studio-context';

/** Storage ran out (or refused): says what was not saved; what was saved before stays as it was. */
export function StorageBanner() {
  const problem = useStudioState((s) => s.storageProblem);
  const studio = useStudio();
  if (problem === null) return null;
  return (
    <section className="banner banner-warning" role="alert" data-testid="storage-banner">
      <p>{problem.message}</p>
      <p>Not saved:</p>
      <ul>
        {problem.what.map((what) => (
          <li key={what} data-testid="storage-not-saved">
            {what}
          </li>
        ))}
      </ul>
      <button type="button" onClick={() => studio.store.getState().dismissStorageProblem()}>
        Dismiss
      </button>
    </section>
  );
}
