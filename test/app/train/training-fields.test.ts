import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PREFERENCE_OBJECTIVE,
  DEFAULT_TUNING_SETTINGS,
  type TuningSettings,
} from '../../../src/lib/train/settings';
import { DEFAULT_LOOP_SETTINGS, type LoopSettings } from '../../../src/state/slices/train';
import { shownFields, type FieldSpec } from '../../../src/app/fields/field-spec';
import { TRAINING_FIELDS, freshTrainable, type TrainingForm } from '../../../src/app/train/training-fields';

/** A form over the seed settings that records every change it is asked for. */
function recordingForm(tuning: Partial<TuningSettings> = {}) {
  const changes: { tuning: Partial<TuningSettings>[]; loop: Partial<LoopSettings>[] } = {
    tuning: [],
    loop: [],
  };
  const form: TrainingForm = {
    tuning: { ...DEFAULT_TUNING_SETTINGS, ...tuning },
    loop: DEFAULT_LOOP_SETTINGS,
    setTuning: (patch) => changes.tuning.push(patch),
    setLoop: (patch) => changes.loop.push(patch),
  };
  return { form, changes };
}

function field(testId: string): FieldSpec<TrainingForm> {
  const found = TRAINING_FIELDS.find((f) => f.testId === testId);
  if (found === undefined) throw new Error(`no field ${testId}`);
  return found;
}

const ids = (form: TrainingForm) => shownFields(TRAINING_FIELDS, form).map((f) => f.testId);

describe('the training settings fields', () => {
  it('show the LoRA rank for LoRA, the block count for last-k-blocks, neither for the whole decoder', () => {
    const common = [
      'train-objective',
      'train-epochs',
      'train-lr',
      'train-optimizer',
      'train-batch',
      'train-accumulation',
      'train-mode',
    ];
    const rounds = [
      'train-schedule',
      'train-checkpoint-every',
      'train-max-tokens',
      'train-rounds',
      'train-threshold',
      'train-weighting',
      'train-clean-ratio',
    ];
    expect(ids(recordingForm({ trainable: freshTrainable('lora') }).form)).toEqual([
      ...common,
      'train-lora-rank',
      ...rounds,
    ]);
    expect(ids(recordingForm({ trainable: freshTrainable('last-blocks') }).form)).toEqual([
      ...common,
      'train-blocks',
      ...rounds,
    ]);
    expect(ids(recordingForm({ trainable: freshTrainable('full') }).form)).toEqual([...common, ...rounds]);
  });

  it('start a newly picked mode from its seed settings, and ignore a mode that is not one', () => {
    const { form, changes } = recordingForm();
    const mode = field('train-mode');
    if (mode.kind !== 'select') throw new Error('train-mode is a select');
    mode.set('last-blocks', form);
    mode.set('lora', form);
    mode.set('everything', form);
    expect(changes.tuning).toEqual([
      { trainable: { kind: 'last-blocks', blocks: 2 } },
      { trainable: { kind: 'lora', rank: 8, alpha: 16, roles: ['self-attn', 'cross-attn', 'mlp'] } },
    ]);
  });

  it('offer the preference objective with its β and α, shown only for it', () => {
    const { form, changes } = recordingForm();
    expect(ids(form)).not.toContain('train-preference-beta');
    const objective = field('train-objective');
    if (objective.kind !== 'select') throw new Error('train-objective is a select');
    expect(objective.get(form)).toBe('caption');
    objective.set('preference', form);
    objective.set('caption', form);
    expect(changes.tuning).toEqual([
      { objective: DEFAULT_PREFERENCE_OBJECTIVE },
      { objective: { kind: 'caption' } },
    ]);

    const preferring = recordingForm({ objective: { kind: 'preference', beta: 0.1, chosenWeight: 1 } });
    expect(ids(preferring.form).slice(0, 3)).toEqual([
      'train-objective',
      'train-preference-beta',
      'train-preference-alpha',
    ]);
    // The batch counts pairs then, and says so.
    const batch = shownFields(TRAINING_FIELDS, preferring.form).find((f) => f.testId === 'train-batch');
    expect(batch?.label).toBe('Batch size (pairs)');
    expect(shownFields(TRAINING_FIELDS, form).find((f) => f.testId === 'train-batch')?.label).toBe(
      'Batch size',
    );
    const beta = field('train-preference-beta');
    const alpha = field('train-preference-alpha');
    if (beta.kind !== 'number' || alpha.kind !== 'number') throw new Error('β and α are numbers');
    beta.set(0.5, preferring.form);
    alpha.set(2, preferring.form);
    expect(preferring.changes.tuning).toEqual([
      { objective: { kind: 'preference', beta: 0.5, chosenWeight: 1 } },
      { objective: { kind: 'preference', beta: 0.1, chosenWeight: 2 } },
    ]);
  });

  it('keep LoRA alpha at twice the rank', () => {
    const { form, changes } = recordingForm({ trainable: freshTrainable('lora') });
    const rank = field('train-lora-rank');
    if (rank.kind !== 'number') throw new Error('train-lora-rank is a number');
    expect(rank.get(form)).toBe(8);
    rank.set(4, form);
    expect(changes.tuning).toEqual([
      { trainable: { kind: 'lora', rank: 4, alpha: 8, roles: ['self-attn', 'cross-attn', 'mlp'] } },
    ]);
  });

  it('round the caption length and the rounds, and keep at least one round', () => {
    const { form, changes } = recordingForm();
    for (const [id, value] of [
      ['train-max-tokens', 20.6],
      ['train-rounds', 2.4],
      ['train-rounds', 0.2],
      ['train-clean-ratio', 0.35],
    ] as const) {
      const spec = field(id);
      if (spec.kind !== 'number') throw new Error(`${id} is a number`);
      spec.set(value, form);
    }
    expect(changes.tuning).toEqual([{ maxTokens: 21 }]);
    expect(changes.loop).toEqual([{ rounds: 2 }, { rounds: 1 }, { cleanRatio: 0.35 }]);
  });
});
