/**
 * Training artifacts for a decoder: the training graph (forward + loss + one gradient per trainable tensor) and
 * the optimizer graph, both ai.onnx only, built from the student's plain decoder_model.onnx
 * (docs/architecture.md decisions 1–3). Shapes are fixed per artifact (batch, caption length, encoder length): the autodiff folds the shape
 * arithmetic to constants, which keeps every node on the GPU.
 */
import { buildGradientGraph } from '../../onnx/autodiff/build-gradient-graph';
import { OnnxModel } from '../../onnx/graph/model';
import type { Dim } from '../../onnx/graph/tensor-info';
import { DataType, readFloat32 } from '../../onnx/proto/tensor';
import { infoOfValueInfo } from '../../onnx/graph/tensor-info';
import { LOSS_NAMES, appendTokenLoss } from './loss';
import { PREFERENCE_NAMES, appendPreferenceLoss, type PreferenceLossOptions } from './preference-loss';
import { type LoraAdapter, initLora, injectLora } from './lora';
import {
  buildAccumulateGraph,
  buildOptimizerGraph,
  optimizerGroups,
  type TrainableTensor,
} from './optimizer-graph';
import { raiseOpsetForTraining, untieInitializerAliases } from './prepare';
import { resolveTrainables, type TrainableSpec } from './selection';
import { analyzeDecoder, type DecoderNames, type DecoderStructure, OPTIMUM_DECODER_NAMES } from './structure';

export interface TrainingShapes {
  /** Rows of the graph (captions); a preference graph holds batch / 2 pairs. */
  readonly batch: number;
  /** Caption length in tokens (decoder input and targets), padding included. */
  readonly sequence: number;
  /** Encoder states: positions and width (ViT-GPT2: 197 × 768). */
  readonly encoderSequence: number;
  readonly encoderWidth: number;
}

/** Another decoder input (attention masks) the trainer fills with ones: real tokens never attend to padding. */
export interface ExtraInput {
  readonly name: string;
  readonly dtype: 'int64' | 'float32';
  readonly dims: readonly number[];
}

/**
 * What the training graph minimizes: the token cross-entropy of the chosen captions (the studio's default), or
 * the preference loss on (chosen, rejected) pairs (preference-loss.ts), which also outputs every row's
 * log-probability and takes the reference model's as an input.
 */
export type TrainingObjective =
  { readonly kind: 'caption' } | ({ readonly kind: 'preference' } & PreferenceLossOptions);

export const CAPTION_OBJECTIVE: TrainingObjective = { kind: 'caption' };

export interface TrainingArtifacts {
  readonly training: Uint8Array;
  readonly objective: TrainingObjective;
  readonly optimizer: Uint8Array;
  /** The trainables in the optimizer graph's fused-update groups, in its order (each group's moments are one buffer). */
  readonly optimizerGroups: readonly (readonly TrainableTensor[])[];
  /** Adds micro-batch gradients (used only with gradient accumulation). */
  readonly accumulate: Uint8Array;
  readonly trainables: readonly TrainableTensor[];
  /** Initial values: the decoder's own weights, or the LoRA initialization. */
  readonly initial: ReadonlyMap<string, Float32Array>;
  /** Trainable name → gradient output of the training graph. */
  readonly gradients: ReadonlyMap<string, string>;
  readonly adapters: readonly LoraAdapter[];
  readonly structure: DecoderStructure;
  readonly names: DecoderNames;
  readonly extraInputs: readonly ExtraInput[];
  readonly shapes: TrainingShapes;
}

/** A graph input the trainer does not know how to fill. */
export class UnsupportedDecoderInputError extends Error {
  override readonly name = 'UnsupportedDecoderInputError';
}

function extraInputs(model: OnnxModel, names: DecoderNames, shapes: TrainingShapes): ExtraInput[] {
  const known = new Set([names.tokens, names.encoderStates]);
  return model.graph.inputs
    .filter((vi) => !known.has(vi.name ?? ''))
    .map((vi) => {
      const name = vi.name ?? '';
      const info = infoOfValueInfo(vi);
      const dtype =
        info?.dtype === DataType.INT64 ? 'int64' : info?.dtype === DataType.FLOAT ? 'float32' : undefined;
      const onEncoder = /encoder/.test(name);
      if (!dtype || !/mask/.test(name) || info?.dims?.length !== 2)
        throw new UnsupportedDecoderInputError(
          `the decoder input '${name}' is not an attention mask the trainer can fill`,
        );
      return { name, dtype, dims: [shapes.batch, onEncoder ? shapes.encoderSequence : shapes.sequence] };
    });
}

export function buildTrainingArtifacts(
  decoderBytes: Uint8Array,
  spec: TrainableSpec,
  shapes: TrainingShapes,
  names: DecoderNames = OPTIMUM_DECODER_NAMES,
  objective: TrainingObjective = CAPTION_OBJECTIVE,
): TrainingArtifacts {
  if (objective.kind === 'preference' && shapes.batch % 2 !== 0)
    throw new UnsupportedDecoderInputError(
      `a preference graph holds pairs: its batch of ${shapes.batch} rows is odd`,
    );
  const model = OnnxModel.decode(decoderBytes);
  const g = model.graph;
  // Only the logits matter for training (the plain decoder also returns present.* key/values).
  g.outputs = g.outputs.filter((o) => o.name === names.logits);
  g.prune();
  untieInitializerAliases(g);
  raiseOpsetForTraining(model);
  const structure = analyzeDecoder(g, names);
  const plan = resolveTrainables(structure, spec);

  const extras = extraInputs(model, names, shapes);
  let adapters: LoraAdapter[] = [];
  const initial = new Map<string, Float32Array>();
  if (spec.kind === 'lora') {
    adapters = injectLora(g, plan.loraTargets, spec.rank, spec.alpha);
    for (const [name, value] of initLora(adapters, spec.seed)) initial.set(name, value);
  } else {
    for (const name of plan.weights)
      initial.set(name, Float32Array.from(readFloat32(g.initializers.get(name)!)));
  }
  const trainableNames = [...initial.keys()];
  if (objective.kind === 'preference') appendPreferenceLoss(model, shapes.batch / 2, objective, names.logits);
  else appendTokenLoss(model, names.logits);

  const { batch, sequence, encoderSequence, encoderWidth } = shapes;
  const inputShapes: Record<string, readonly Dim[]> = {
    [names.tokens]: [batch, sequence],
    [names.encoderStates]: [batch, encoderSequence, encoderWidth],
    [LOSS_NAMES.labels]: [batch, sequence, 1],
    [LOSS_NAMES.mask]: [batch, sequence],
    [LOSS_NAMES.weights]: [batch],
    ...(objective.kind === 'preference' ? { [PREFERENCE_NAMES.reference]: [batch] } : {}),
    ...Object.fromEntries(extras.map((e) => [e.name, e.dims])),
  };
  for (const a of adapters) {
    inputShapes[a.a] = [a.inFeatures, a.rank];
    inputShapes[a.b] = [a.rank, a.outFeatures];
  }
  const gradientGraph = buildGradientGraph(model, {
    loss: LOSS_NAMES.loss,
    trainable: trainableNames,
    inputShapes,
    ...(objective.kind === 'preference' ? { keepOutputs: [PREFERENCE_NAMES.sequenceLogp] } : {}),
  });
  const trainables = trainableNames.map((name) => ({ name, dims: dimsOf(gradientGraph.model, name) }));
  return {
    training: gradientGraph.model.encode(),
    objective,
    optimizer: buildOptimizerGraph(trainables).encode(),
    optimizerGroups: optimizerGroups(trainables),
    accumulate: buildAccumulateGraph(trainables).encode(),
    trainables,
    initial,
    gradients: gradientGraph.gradients,
    adapters,
    structure,
    names,
    extraInputs: extras,
    shapes,
  };
}

function dimsOf(model: OnnxModel, input: string): number[] {
  const vi = model.graph.inputs.find((i) => i.name === input);
  const dims = vi ? infoOfValueInfo(vi)?.dims : undefined;
  if (!dims || !dims.every((d): d is number => typeof d === 'number'))
    throw new UnsupportedDecoderInputError(`trainable '${input}' has no static shape in the training graph`);
  return [...dims];
}
