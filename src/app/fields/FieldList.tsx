import { CheckboxField } from './CheckboxField';
import { commonFieldProps, shownFields, type FieldLayout, type FieldSpec } from './field-spec';
import { NumberField } from './NumberField';
import { NumberListField } from './NumberListField';
import { SelectField } from './SelectField';
import { TextField } from './TextField';

/** One description as its field component. */
function FieldView<F>({ spec, form, layout }: { spec: FieldSpec<F>; form: F; layout: FieldLayout }) {
  const common = commonFieldProps(spec, form, layout);
  switch (spec.kind) {
    case 'number':
      return (
        <NumberField
          {...common}
          value={spec.get(form)}
          step={spec.step}
          min={spec.min}
          max={spec.max}
          wholeWithinLimits={spec.wholeWithinLimits}
          withinLimits={spec.withinLimits}
          onChange={(value) => spec.set(value, form)}
        />
      );
    case 'select':
      return (
        <SelectField
          {...common}
          value={spec.get(form)}
          choices={spec.choices}
          onChange={(value) => spec.set(value, form)}
        />
      );
    case 'text':
      return (
        <TextField
          {...common}
          value={spec.get(form)}
          placeholder={spec.placeholder}
          secret={spec.secret}
          onChange={(value) => spec.set(value, form)}
        />
      );
    case 'checkbox':
      return (
        <CheckboxField {...common} checked={spec.get(form)} onChange={(checked) => spec.set(checked, form)} />
      );
    case 'number-list':
      return (
        <NumberListField
          {...common}
          value={spec.get(form)}
          min={spec.min}
          max={spec.max}
          onChange={(values) => spec.set(values, form)}
        />
      );
  }
}

/** The fields of a form (or of one run of it between its special parts), in order, the hidden ones left out. */
export function FieldList<F>(props: { fields: readonly FieldSpec<F>[]; form: F } & FieldLayout) {
  const { fields, form, ...layout } = props;
  return (
    <>
      {shownFields(fields, form).map((spec) => (
        <FieldView key={spec.testId} spec={spec} form={form} layout={layout} />
      ))}
    </>
  );
}
