import { Field, type FieldProps } from './Field';

/** A one-line text input: ids, URLs and keys, so no spell checking; `secret` hides what is typed. */
export function TextField(
  props: FieldProps & {
    value: string;
    placeholder?: string;
    secret?: boolean;
    onChange: (value: string) => void;
  },
) {
  return (
    <Field label={props.label} htmlFor={props.id} compact={props.compact}>
      <input
        id={props.id}
        type={props.secret ? 'password' : 'text'}
        data-testid={props.testId}
        value={props.value}
        placeholder={props.placeholder}
        spellCheck={props.secret ? undefined : false}
        autoComplete={props.secret ? 'off' : undefined}
        disabled={props.disabled}
        onChange={(event) => props.onChange(event.currentTarget.value)}
      />
    </Field>
  );
}
