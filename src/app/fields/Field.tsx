import type { ReactNode } from 'react';

/** What every settings field takes: its label, its test id (the e2e page objects find it by that). */
export interface FieldProps {
  label: string;
  testId: string;
  /** Gives the control this id and the label a matching htmlFor. */
  id?: string;
  /** The denser layout of the training settings grid. */
  compact?: boolean;
  disabled?: boolean;
}

/** A label around its caption and one control. */
export function Field(props: { label: string; htmlFor?: string; compact?: boolean; children: ReactNode }) {
  return (
    <label className={props.compact ? 'field compact' : 'field'} htmlFor={props.htmlFor}>
      <span>{props.label}</span>
      {props.children}
    </label>
  );
}
