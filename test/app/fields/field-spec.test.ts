import { describe, expect, it } from 'vitest';
import {
  choiceFor,
  commonFieldProps,
  selectField,
  shownFields,
  type FieldSpec,
} from '../../../src/app/fields/field-spec';

interface Form {
  size: 'small' | 'large';
  count: number;
  picked: string[];
}

const SIZES = [
  { value: 'small', label: 'Small' },
  { value: 'large', label: 'Large' },
] as const;

const sizeField = selectField({
  label: 'Size',
  testId: 'size',
  choices: SIZES,
  get: (f: Form) => f.size,
  set: (size, f) => f.picked.push(size),
});

const countField: FieldSpec<Form> = {
  kind: 'number',
  label: 'Count',
  testId: 'count',
  shown: (f) => f.size === 'large',
  disabled: (f) => f.count > 3,
  get: (f) => f.count,
  set: () => {},
};

const form = (over: Partial<Form> = {}): Form => ({ size: 'small', count: 1, picked: [], ...over });

describe('a select description', () => {
  it('finds the choice the DOM hands back, and nothing for a value not among them', () => {
    expect(choiceFor(SIZES, 'large')).toBe('large');
    expect(choiceFor(SIZES, 'huge')).toBeUndefined();
    expect(choiceFor(SIZES, '')).toBeUndefined();
  });

  it('passes only one of its choices to the form', () => {
    const f = form();
    sizeField.set('large', f);
    sizeField.set('huge', f);
    sizeField.set('small', f);
    expect(f.picked).toEqual(['large', 'small']);
    expect([sizeField.kind, sizeField.get(f)]).toEqual(['select', 'small']);
  });
});

describe('the props every field takes', () => {
  it('are the label and test id alone without a layout or a disabling rule', () => {
    expect(commonFieldProps(sizeField, form())).toEqual({ label: 'Size', testId: 'size' });
  });

  it('take the test id as id, and the compact layout, when the form asks', () => {
    expect(commonFieldProps(sizeField, form(), { compact: true, idFromTestId: true })).toEqual({
      label: 'Size',
      testId: 'size',
      id: 'size',
      compact: true,
    });
  });

  it("are disabled by the field's own rule or by the whole form being locked", () => {
    expect(commonFieldProps(countField, form({ count: 4 })).disabled).toBe(true);
    expect(commonFieldProps(countField, form({ count: 1 })).disabled).toBeUndefined();
    expect(commonFieldProps(countField, form({ count: 1 }), { locked: true }).disabled).toBe(true);
    expect(commonFieldProps(sizeField, form(), { locked: false }).disabled).toBeUndefined();
  });
});

describe('the fields shown', () => {
  it('keep their order and leave out those whose rule says no', () => {
    const fields = [countField, sizeField];
    expect(shownFields(fields, form()).map((f) => f.testId)).toEqual(['size']);
    expect(shownFields(fields, form({ size: 'large' })).map((f) => f.testId)).toEqual(['count', 'size']);
  });
});
