import type { NumberLimits } from './number-limits';
import type { NumberListLimits } from './number-list';
import type { Choice } from './SelectField';

/**
 * One settings field as data: what it shows, where its value comes from and where a change goes. `F` is the
 * form's own model (its settings and the actions that change them), so a description is a plain value that
 * unit tests can read and call without a DOM; FieldList turns a list of them into the inputs.
 */
interface FieldCommon<F> {
  label: string;
  /** The e2e page objects find the control by this. */
  testId: string;
  /** Left out: the field is always shown. */
  shown?: (form: F) => boolean;
  /** Left out: the field is never disabled on its own (FieldList may still lock the whole form). */
  disabled?: (form: F) => boolean;
}

export interface NumberFieldSpec<F> extends FieldCommon<F>, NumberLimits {
  kind: 'number';
  step?: number;
  get: (form: F) => number;
  set: (value: number, form: F) => void;
}

/** A select's value is one of its choices; `set` only ever gets one of them (see selectField). */
export interface SelectFieldSpec<F> extends FieldCommon<F> {
  kind: 'select';
  choices: readonly Choice<string>[];
  get: (form: F) => string;
  set: (value: string, form: F) => void;
}

export interface TextFieldSpec<F> extends FieldCommon<F> {
  kind: 'text';
  placeholder?: string;
  /** Hides what is typed (API keys). */
  secret?: boolean;
  get: (form: F) => string;
  set: (value: string, form: F) => void;
}

export interface CheckboxFieldSpec<F> extends FieldCommon<F> {
  kind: 'checkbox';
  get: (form: F) => boolean;
  set: (checked: boolean, form: F) => void;
}

/** A list of whole numbers typed as text ("1, 2, 3"): only a list within the limits reaches `set`. */
export interface NumberListFieldSpec<F> extends FieldCommon<F>, NumberListLimits {
  kind: 'number-list';
  get: (form: F) => readonly number[];
  set: (values: number[], form: F) => void;
}

export type FieldSpec<F> =
  NumberFieldSpec<F> | SelectFieldSpec<F> | TextFieldSpec<F> | CheckboxFieldSpec<F> | NumberListFieldSpec<F>;

/** A select over choices of type T, typed as such where it is written: */
export interface TypedSelect<F, T extends string> extends FieldCommon<F> {
  choices: readonly Choice<T>[];
  get: (form: F) => T;
  set: (value: T, form: F) => void;
}

/** The choice among `choices` whose value is `raw` (what the DOM hands back), if any. */
export function choiceFor<T extends string>(choices: readonly Choice<T>[], raw: string): T | undefined {
  return choices.find((choice) => choice.value === raw)?.value;
}

/**
 * A select description from a typed one: the DOM gives back a string, and only a string that is one of the
 * choices reaches `set`, so the form's setter gets a T without a cast.
 */
export function selectField<F, T extends string>(spec: TypedSelect<F, T>): SelectFieldSpec<F> {
  return {
    ...spec,
    kind: 'select',
    set: (raw, form) => {
      const value = choiceFor(spec.choices, raw);
      if (value !== undefined) spec.set(value, form);
    },
  };
}

/** How FieldList lays a whole form out. */
export interface FieldLayout {
  /** The denser layout of the training settings grid. */
  compact?: boolean;
  /** Gives each control its test id as its id too, and the label a matching htmlFor. */
  idFromTestId?: boolean;
  /** Locks every field (a run is on). */
  locked?: boolean;
}

/** What every field component takes besides its value, for one description in one form state. */
export interface CommonFieldProps {
  label: string;
  testId: string;
  id?: string;
  compact?: boolean;
  disabled?: boolean;
}

export function commonFieldProps<F>(spec: FieldSpec<F>, form: F, layout: FieldLayout = {}): CommonFieldProps {
  const disabled = layout.locked === true || (spec.disabled?.(form) ?? false);
  return {
    label: spec.label,
    testId: spec.testId,
    ...(layout.idFromTestId ? { id: spec.testId } : {}),
    ...(layout.compact ? { compact: true } : {}),
    ...(disabled ? { disabled: true } : {}),
  };
}

/** The descriptions shown in this form state, in order. */
export function shownFields<F>(fields: readonly FieldSpec<F>[], form: F): FieldSpec<F>[] {
  return fields.filter((spec) => spec.shown?.(form) ?? true);
}
