/**
 * What trains: a JSON-able spec (presets below) resolved against a decoder's structure into the weights that
 * become graph inputs and the projections that get LoRA adapters. Everything else stays a frozen initializer.
 */
import type { DecoderStructure, Projection, ProjectionRole } from './structure';

export type LoraRole = Exclude<ProjectionRole, 'head'>;

export interface LoraSpec {
  readonly kind: 'lora';
  readonly rank: number;
  /** Scale of the adapter's output is alpha / rank. */
  readonly alpha: number;
  /** Which projections get adapters (all their projections: fused QKV, Q, KV and output; MLP in and out). */
  readonly roles: readonly LoraRole[];
  /** Only the last k blocks (all blocks when absent). */
  readonly lastBlocks?: number;
  /** Seed of A's initialization (B starts at zero, so the untrained adapter changes nothing). */
  readonly seed: number;
}

export interface SubsetSpec {
  readonly kind: 'subset';
  /** Every weight of the last k blocks (projections, biases, layer norms) and the final layer norm. */
  readonly lastBlocks?: number;
  /** Scale and bias of every layer norm. */
  readonly layerNorms?: boolean;
  /** Cross-attention projections, their biases and the layer norms in front of them. */
  readonly crossAttention?: boolean;
}

export interface FullSpec {
  /** Every float weight upstream of the logits (embeddings and the head included). */
  readonly kind: 'full';
}

export type TrainableSpec = LoraSpec | SubsetSpec | FullSpec;

export const TRAINABLE_PRESETS = {
  /** The default: fits phone-class memory (docs/architecture.md decision 2). */
  'lora-r8': { kind: 'lora', rank: 8, alpha: 16, roles: ['self-attn', 'cross-attn', 'mlp'], seed: 0 },
  'lora-r8-attention': { kind: 'lora', rank: 8, alpha: 16, roles: ['self-attn', 'cross-attn'], seed: 0 },
  'last-2-blocks': { kind: 'subset', lastBlocks: 2 },
  'layer-norms': { kind: 'subset', layerNorms: true },
  'cross-attention': { kind: 'subset', crossAttention: true },
  'full-decoder': { kind: 'full' },
} as const satisfies Record<string, TrainableSpec>;

export type TrainablePresetName = keyof typeof TRAINABLE_PRESETS;

/** The spec asks for something this decoder does not have, or for nothing at all. */
export class TrainableSelectionError extends Error {
  override readonly name = 'TrainableSelectionError';
}

export interface TrainablePlan {
  /** Existing weights that become graph inputs. */
  readonly weights: readonly string[];
  /** Projections that get LoRA adapters (their weights stay frozen). */
  readonly loraTargets: readonly Projection[];
}

export function trainablePreset(name: string): TrainableSpec {
  const spec = (TRAINABLE_PRESETS as Record<string, TrainableSpec>)[name];
  if (!spec)
    throw new TrainableSelectionError(
      `unknown trainable preset '${name}'; valid: ${Object.keys(TRAINABLE_PRESETS).join(', ')}`,
    );
  return spec;
}

function firstTrainedBlock(structure: DecoderStructure, lastBlocks: number | undefined): number {
  if (lastBlocks === undefined) return 0;
  if (!Number.isInteger(lastBlocks) || lastBlocks < 1 || lastBlocks > structure.blockCount)
    throw new TrainableSelectionError(
      `lastBlocks must be an integer in 1..${structure.blockCount} (the decoder's block count), got ${lastBlocks}`,
    );
  return structure.blockCount - lastBlocks;
}

function subsetWeights(structure: DecoderStructure, spec: SubsetSpec): string[] {
  const names = new Set<string>();
  const add = (...list: (string | undefined)[]): void => list.forEach((n) => n && names.add(n));
  if (spec.lastBlocks !== undefined) {
    const from = firstTrainedBlock(structure, spec.lastBlocks);
    for (const p of structure.projections) if (p.block !== null && p.block >= from) add(p.weight, p.bias);
    for (const ln of structure.layerNorms)
      if (ln.block === 'head' || ln.block >= from) add(ln.scale, ln.bias);
  }
  if (spec.layerNorms) for (const ln of structure.layerNorms) add(ln.scale, ln.bias);
  if (spec.crossAttention) {
    for (const p of structure.projections) if (p.role === 'cross-attn') add(p.weight, p.bias);
    for (const ln of structure.layerNorms) if (ln.feeds === 'cross-attn') add(ln.scale, ln.bias);
  }
  // Graph order, so that the training graph's inputs and the checkpoint's tensors have a stable order.
  return structure.allWeights.filter((n) => names.has(n));
}

export function resolveTrainables(structure: DecoderStructure, spec: TrainableSpec): TrainablePlan {
  let plan: TrainablePlan;
  switch (spec.kind) {
    case 'full':
      plan = { weights: structure.allWeights, loraTargets: [] };
      break;
    case 'subset':
      plan = { weights: subsetWeights(structure, spec), loraTargets: [] };
      break;
    case 'lora': {
      if (!Number.isInteger(spec.rank) || spec.rank < 1)
        throw new TrainableSelectionError(`LoRA rank must be a positive integer, got ${spec.rank}`);
      const from = firstTrainedBlock(structure, spec.lastBlocks);
      const roles = new Set<ProjectionRole>(spec.roles);
      const targets = structure.projections.filter(
        (p) => roles.has(p.role) && p.block !== null && p.block >= from,
      );
      plan = { weights: [], loraTargets: targets };
      break;
    }
  }
  if (plan.weights.length === 0 && plan.loraTargets.length === 0)
    throw new TrainableSelectionError(`the spec ${JSON.stringify(spec)} selects no weight of this decoder`);
  return plan;
}
