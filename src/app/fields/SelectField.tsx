import { Field, type FieldProps } from './Field';

export interface Choice<T extends string> {
  value: T;
  label: string;
}

/** A select over a fixed list of choices. */
export function SelectField<T extends string>(
  props: FieldProps & { value: T; choices: readonly Choice<T>[]; onChange: (value: T) => void },
) {
  return (
    <Field label={props.label} htmlFor={props.id} compact={props.compact}>
      <select
        id={props.id}
        data-testid={props.testId}
        value={props.value}
        disabled={props.disabled}
        onChange={(event) => props.onChange(event.currentTarget.value as T)}
      >
        {props.choices.map((choice) => (
          <option key={choice.value} value={choice.value}>
            {choice.label}
          </option>
        ))}
      </select>
    </Field>
  );
}
