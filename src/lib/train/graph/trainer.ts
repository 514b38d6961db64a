/**
 * Runs training steps with the training and optimizer graphs on any ONNX Runtime (onnxruntime-node in tests,
 * onnxruntime-web/webgpu in the student worker). With placement 'gpu-buffer', parameters, gradients and moments
 * stay on the GPU between steps: graph outputs are fed back as inputs and only the scalar loss and the gradient
 * norm are read back. Master weights are float32.
 *
 * One call to `trainStep` runs one micro-batch. With accumulation k, gradients of k micro-batches are summed and
 * their mean drives one optimizer update. A micro-batch whose loss is NaN or infinite is dropped (reported as
 * skipped), and an update whose gradient norm is not finite leaves every tensor unchanged (the optimizer graph
 * guarantees it) and is reported as skipped too; neither counts as a step.
 */
import type { TrainingBatch } from './batches';
import type { Checkpoint, CheckpointTensor } from '../checkpoints/format';
import { LOSS_NAMES } from './loss';
import { PREFERENCE_NAMES } from './preference-loss';
import {
  DEFAULT_OPTIMIZER,
  STEP_SCALARS,
  stepScalars,
  validateOptimizer,
  type OptimizerConfig,
} from './optimizer-config';
import {
  GRAD_NORM_OUTPUT,
  accumulateNames,
  momentNames,
  optimizerNames,
  type TrainableTensor,
} from './optimizer-graph';
import { gpuReader, type GpuReader } from './gpu-reads';
import { createSession, type OrtSession, type OrtTensor } from './runtime';
import { CONSTANT_LR, lrFactor } from './schedule';
import {
  disposeAll,
  initialState,
  joinMoment,
  readAll,
  flatView,
  momentsByTensor,
  trainingFeeds,
  type Slots,
} from './trainer-tensors';
import {
  TrainerStateError,
  type StepReport,
  type TrainerCheckpointConfig,
  type TrainerOptions,
} from './trainer-types';

export {
  TrainerStateError,
  type StepReport,
  type TrainerCheckpointConfig,
  type TrainerOptions,
} from './trainer-types';

export class Trainer {
  /** Multiplies the scheduled learning rate; lower it after a skipped step (issue 5's guardrail). */
  lrScale = 1;
  private stepCount: number;
  private accumulated: Slots | null = null;
  private pending = 0;
  private released = false;
  private readonly reader: GpuReader;

  private constructor(
    private readonly options: TrainerOptions,
    private readonly optimizer: OptimizerConfig,
    private readonly sessions: { training: OrtSession; optimizer: OrtSession; accumulate: OrtSession | null },
    private params: Slots,
    /** The trainables in fused-update groups (optimizer-graph.ts's `optimizerGroups`). */
    private readonly groups: readonly (readonly TrainableTensor[])[],
    /** Both moments of each group as one flat buffer each (optimizer-graph.ts's `flatLayout`). */
    private expAvg: OrtTensor[],
    private expAvgSq: OrtTensor[],
    step: number,
  ) {
    this.stepCount = step;
    this.reader = gpuReader(options.runtime);
  }

  static async create(options: TrainerOptions): Promise<Trainer> {
    const optimizer = options.optimizer ?? DEFAULT_OPTIMIZER;
    validateOptimizer(optimizer);
    const accumulation = options.accumulation ?? 1;
    if (!Number.isInteger(accumulation) || accumulation < 1)
      throw new TrainerStateError(`accumulation must be a positive integer, got ${accumulation}`);
    const { artifacts, runtime } = options;
    const names = artifacts.trainables.map((t) => t.name);
    const groups = artifacts.optimizerGroups;
    const optimizerOutputs = [
      ...names.map((n) => optimizerNames(n).newParam),
      ...groups.flatMap((_, i) => [momentNames(i).newExpAvg, momentNames(i).newExpAvgSq]),
    ];
    const training = await createSession(runtime, artifacts.training, [...artifacts.gradients.values()]);
    const optimizerSession = await createSession(runtime, artifacts.optimizer, optimizerOutputs);
    const accumulate =
      accumulation > 1
        ? await createSession(
            runtime,
            artifacts.accumulate,
            names.map((n) => accumulateNames(n).sum),
          )
        : null;
    const state = initialState(artifacts, options.modelId, options.resume);
    const { Tensor } = runtime.ort;
    // Flat, as the optimizer graph writes them (trainer-tensors.ts's shapedView gives the training graph its dims).
    const params: Slots = new Map(
      artifacts.trainables.map((t) => {
        const data = state.get(`param:${t.name}`)!;
        return [t.name, new Tensor('float32', data, [data.length])];
      }),
    );
    const moment = (slot: 'exp_avg' | 'exp_avg_sq'): OrtTensor[] =>
      groups.map((group) => {
        const flat = joinMoment(group, state, slot);
        return new Tensor('float32', flat, [flat.length]);
      });
    const trainer = new Trainer(
      options,
      optimizer,
      { training, optimizer: optimizerSession, accumulate },
      params,
      groups,
      moment('exp_avg'),
      moment('exp_avg_sq'),
      options.resume?.step ?? 0,
    );
    const resumed = options.resume?.config as Partial<TrainerCheckpointConfig> | undefined;
    if (typeof resumed?.lrScale === 'number') trainer.lrScale = resumed.lrScale;
    return trainer;
  }

  get step(): number {
    return this.stepCount;
  }

  /** Learning rate of the next update. */
  get learningRate(): number {
    return (
      this.optimizer.lr * lrFactor(this.options.schedule ?? CONSTANT_LR, this.stepCount + 1) * this.lrScale
    );
  }

  async trainStep(batch: TrainingBatch): Promise<StepReport> {
    this.assertLive();
    const out = await this.sessions.training.run(
      trainingFeeds(this.options.artifacts, this.options.runtime, batch, this.params),
    );
    const loss = Number((out[LOSS_NAMES.loss]!.data as Float32Array)[0]);
    const grads: Slots = new Map(
      this.options.artifacts.trainables.map((t) => [
        t.name,
        out[this.options.artifacts.gradients.get(t.name)!]!,
      ]),
    );
    if (!Number.isFinite(loss)) {
      disposeAll(grads);
      return { loss, skipped: true, updated: false, step: this.stepCount };
    }
    await this.accumulate(grads);
    if (this.pending < (this.options.accumulation ?? 1))
      return { loss, skipped: false, updated: false, step: this.stepCount };
    return { loss, ...(await this.update()) };
  }

  /**
   * Every row's log-probability under the current weights (a preference graph's `sequence_logp`), without a
   * step: the reference model's values, measured before a preference run's first step.
   */
  async sequenceLogp(batch: TrainingBatch): Promise<Float32Array> {
    this.assertLive();
    if (this.options.artifacts.objective.kind !== 'preference')
      throw new TrainerStateError('only a preference graph gives sequence log-probabilities');
    const name = PREFERENCE_NAMES.sequenceLogp;
    const out = await this.sessions.training.run(
      trainingFeeds(this.options.artifacts, this.options.runtime, batch, this.params),
      [name],
    );
    const values = await this.reader.read(out[name]!);
    for (const t of Object.values(out)) t.dispose();
    return values;
  }

  /** Applies what has been accumulated (the end of an epoch that is not a multiple of the accumulation). */
  async flush(): Promise<Omit<StepReport, 'loss'> | undefined> {
    this.assertLive();
    return this.pending > 0 ? this.update() : undefined;
  }

  /** Current trainable values (copies, on the CPU). */
  async weights(): Promise<Map<string, Float32Array>> {
    this.assertLive();
    return readAll(this.params, this.reader.read);
  }

  async checkpoint(extra?: unknown): Promise<Checkpoint<TrainerCheckpointConfig>> {
    this.assertLive();
    if (this.pending > 0)
      throw new TrainerStateError('take checkpoints between optimizer updates, not during an accumulation');
    const { trainables } = this.options.artifacts;
    // Moments are stored per tensor, as before the optimizer was fused: checkpoints of either kind read alike.
    const moment = (flats: readonly OrtTensor[]) => momentsByTensor(this.groups, flats, this.reader.read);
    const tensors: CheckpointTensor[] = [];
    for (const [slot, values] of [
      ['param', await readAll(this.params, this.reader.read)],
      ['exp_avg', await moment(this.expAvg)],
      ['exp_avg_sq', await moment(this.expAvgSq)],
    ] as const)
      for (const t of trainables)
        tensors.push({ name: t.name, slot, dims: t.dims, data: values.get(t.name)! });
    const config: TrainerCheckpointConfig = {
      optimizer: this.optimizer,
      schedule: this.options.schedule ?? CONSTANT_LR,
      accumulation: this.options.accumulation ?? 1,
      lrScale: this.lrScale,
      ...(this.options.config !== undefined ? { user: this.options.config } : {}),
    };
    return {
      step: this.stepCount,
      modelId: this.options.modelId,
      config,
      tensors,
      ...(extra !== undefined ? { extra } : {}),
    };
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    for (const slots of [this.params, this.accumulated]) if (slots) disposeAll(slots);
    for (const t of [...this.expAvg, ...this.expAvgSq]) t.dispose();
    await this.sessions.training.release();
    await this.sessions.optimizer.release();
    await this.sessions.accumulate?.release();
    await this.reader.release();
  }

  private async accumulate(grads: Slots): Promise<void> {
    this.pending++;
    if (!this.accumulated) {
      this.accumulated = grads;
      return;
    }
    const feeds: Record<string, OrtTensor> = {};
    for (const [name, sum] of this.accumulated) {
      const n = accumulateNames(name);
      feeds[n.acc] = sum;
      feeds[n.grad] = grads.get(name)!;
    }
    const out = await this.sessions.accumulate!.run(feeds);
    disposeAll(this.accumulated);
    disposeAll(grads);
    this.accumulated = new Map([...grads.keys()].map((name) => [name, out[accumulateNames(name).sum]!]));
  }

  private async update(): Promise<Omit<StepReport, 'loss'>> {
    const grads = this.accumulated!;
    const count = this.pending;
    this.accumulated = null;
    this.pending = 0;
    const lr = this.learningRate;
    const scalars = stepScalars(this.optimizer, this.stepCount + 1, lr, count);
    const { Tensor } = this.options.runtime.ort;
    const feeds: Record<string, OrtTensor> = {};
    for (const name of STEP_SCALARS)
      feeds[name] = new Tensor('float32', new Float32Array([scalars[name]]), []);
    // The params are flat already; flat views (no copy) of the gradients: the fused graph concatenates them.
    for (const [name, param] of this.params) {
      const n = optimizerNames(name);
      feeds[n.param] = param;
      feeds[n.grad] = flatView(this.options.runtime.ort, grads.get(name)!);
    }
    this.groups.forEach((_, i) => {
      feeds[momentNames(i).expAvg] = this.expAvg[i]!;
      feeds[momentNames(i).expAvgSq] = this.expAvgSq[i]!;
    });
    const out = await this.sessions.optimizer.run(feeds);
    const gradNorm = Number((out[GRAD_NORM_OUTPUT]!.data as Float32Array)[0]);
    const old = [this.params, grads, this.expAvg, this.expAvgSq] as const;
    this.params = new Map([...this.params.keys()].map((name) => [name, out[optimizerNames(name).newParam]!]));
    this.expAvg = this.groups.map((_, i) => out[momentNames(i).newExpAvg]!);
    this.expAvgSq = this.groups.map((_, i) => out[momentNames(i).newExpAvgSq]!);
    disposeAll(old[0]);
    disposeAll(old[1]);
    for (const t of [...old[2], ...old[3]]) t.dispose();
    const skipped = !Number.isFinite(gradNorm);
    if (!skipped) this.stepCount++;
    return { skipped, updated: !skipped, step: this.stepCount, gradNorm, lr };
  }

  private assertLive(): void {
    if (this.released) throw new TrainerStateError('the trainer was released');
  }
}
