import { Field, type FieldProps } from './Field';
import { acceptsNumber, type NumberLimits } from './number-limits';

/**
 * A number input. Only finite numbers reach onChange (an emptied box changes nothing); with
 * `wholeWithinLimits`, only whole numbers within [min, max]; with `withinLimits`, any number within them.
 */
export function NumberField(
  props: FieldProps &
    NumberLimits & {
      value: number;
      step?: number;
      onChange: (value: number) => void;
    },
) {
  return (
    <Field label={props.label} htmlFor={props.id} compact={props.compact}>
      <input
        id={props.id}
        type="number"
        data-testid={props.testId}
        value={props.value}
        step={props.step}
        min={props.min}
        max={props.max}
        disabled={props.disabled}
        onChange={(event) => {
          const value = event.currentTarget.valueAsNumber;
          if (acceptsNumber(value, props)) props.onChange(value);
        }}
      />
    </Field>
  );
}
