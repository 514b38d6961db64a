import { useState } from 'react';
import { Field, type FieldProps } from './Field';
import { formatNumberList, parseNumberList, type NumberListLimits } from './number-list';

/**
 * A text input holding a list of whole numbers (the teacher's zoom levels). What is typed stays as typed, marked
 * aria-invalid while it is not a list within the limits; only a valid list reaches onChange.
 */
export function NumberListField(
  props: FieldProps & NumberListLimits & { value: readonly number[]; onChange: (values: number[]) => void },
) {
  const saved = formatNumberList(props.value);
  const [text, setText] = useState(saved);
  const [shown, setShown] = useState(saved);
  // The saved value can change without typing (restored after a reload): show it unless the text says the same.
  if (saved !== shown) {
    setShown(saved);
    const typed = parseNumberList(text, props);
    if (typed === null || formatNumberList(typed) !== saved) setText(saved);
  }
  const valid = parseNumberList(text, props) !== null;
  return (
    <Field label={props.label} htmlFor={props.id} compact={props.compact}>
      <input
        id={props.id}
        type="text"
        data-testid={props.testId}
        value={text}
        aria-invalid={!valid}
        disabled={props.disabled}
        onChange={(event) => {
          const next = event.currentTarget.value;
          setText(next);
          const values = parseNumberList(next, props);
          if (values !== null) props.onChange(values);
        }}
      />
    </Field>
  );
}
