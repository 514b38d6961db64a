import { guardWrite } from './errors';
import type { KvArea } from './kv';
import type { JobItemState, JobState } from './schema';
import { readJob, readJobs } from './stored';

const UNFINISHED = new Set<JobState['status']>(['queued', 'running', 'paused']);

/** Resumable job queues: every item's state is saved as it changes, so a reload loses nothing. */
export class JobRepository {
  constructor(
    private readonly area: KvArea,
    private readonly now: () => number,
  ) {}

  async put(job: JobState): Promise<void> {
    await guardWrite(`the state of job "${job.kind}"`, () =>
      this.area.setMany([[job.id, { ...job, updatedAt: this.now() }]]),
    );
  }

  async get(id: string): Promise<JobState | undefined> {
    return readJob(await this.area.get(id));
  }

  async list(): Promise<JobState[]> {
    const jobs = readJobs(await this.area.getMany(await this.area.keys()));
    return jobs.sort((a, b) => a.createdAt - b.createdAt);
  }

  async unfinished(): Promise<JobState[]> {
    return (await this.list()).filter((job) => UNFINISHED.has(job.status));
  }

  /** Set one item's state (atomic read-modify-write); a job whose items are all settled becomes done. */
  async markItem(jobId: string, itemId: string, state: JobItemState, message?: string): Promise<void> {
    await guardWrite(`the progress of job ${jobId}`, () =>
      this.area.update<unknown>(jobId, (stored) => {
        const job = readJob(stored);
        if (!job) throw new RangeError(`no job ${jobId}`);
        const items = job.items.map((item) =>
          item.id === itemId ? { id: itemId, state, ...(message === undefined ? {} : { message }) } : item,
        );
        const settled = items.every((item) => item.state !== 'pending');
        const status = settled && UNFINISHED.has(job.status) ? 'done' : job.status;
        return { ...job, items, status, updatedAt: this.now() };
      }),
    );
  }

  async setStatus(jobId: string, status: JobState['status']): Promise<void> {
    await guardWrite(`the status of job ${jobId}`, () =>
      this.area.update<unknown>(jobId, (stored) => {
        const job = readJob(stored);
        if (!job) throw new RangeError(`no job ${jobId}`);
        return { ...job, status, updatedAt: this.now() };
      }),
    );
  }

  delete(id: string): Promise<void> {
    return this.area.delMany([id]);
  }

  /**
   * Nothing runs before the page has loaded, so a job saved as 'running' was cut off by a reload or
   * a crash: queue it again, marked interrupted. Returns the ids requeued.
   */
  async requeueInterrupted(): Promise<string[]> {
    const running = (await this.list()).filter((job) => job.status === 'running');
    if (running.length === 0) return [];
    const now = this.now();
    await this.area.setMany(
      running.map((job) => [job.id, { ...job, status: 'queued', interrupted: true, updatedAt: now }]),
    );
    return running.map((job) => job.id);
  }
}

export const pendingItems = (job: JobState): string[] =>
  job.items.filter((item) => item.state === 'pending').map((item) => item.id);
