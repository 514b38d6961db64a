import type { FieldProps } from './Field';

/** A checkbox with its sentence after it (no id or compact layout: the label wraps it, one per line). */
export function CheckboxField(
  props: Pick<FieldProps, 'label' | 'testId' | 'disabled'> & {
    checked: boolean;
    onChange: (checked: boolean) => void;
  },
) {
  return (
    <label className="checkbox">
      <input
        type="checkbox"
        data-testid={props.testId}
        checked={props.checked}
        disabled={props.disabled}
        onChange={(event) => props.onChange(event.currentTarget.checked)}
      />
      {props.label}
    </label>
  );
}
