// A labelled form field with its hint and its error tied to it for screen readers.
import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';

export interface FieldProps {
  label: string;
  value: string;
  onValue: (value: string) => void;
  name?: string;
  type?: 'text' | 'email' | 'password' | 'search' | 'url' | 'number' | 'date' | 'time' | 'datetime-local' | 'tel';
  autoComplete?: string;
  required?: boolean;
  minLength?: number;
  maxLength?: number;
  min?: string | number;
  max?: string | number;
  placeholder?: string;
  disabled?: boolean;
  autoFocus?: boolean;
  hint?: ComponentChildren;
  error?: string | null | undefined;
  /** A textarea instead of an input. */
  multiline?: boolean;
  rows?: number;
}

export function Field({ label, hint, error, multiline, rows, onValue, type = 'text', ...rest }: FieldProps) {
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const onInput = (event: Event) => onValue((event.currentTarget as HTMLInputElement | HTMLTextAreaElement).value);
  const common = {
    id,
    name: rest.name,
    value: rest.value,
    required: rest.required,
    maxLength: rest.maxLength,
    minLength: rest.minLength,
    placeholder: rest.placeholder,
    disabled: rest.disabled,
    autoFocus: rest.autoFocus,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy,
    onInput,
  };
  return (
    <div class={`field${error ? ' field-invalid' : ''}`}>
      <label for={id}>{label}</label>
      {multiline ? <textarea {...common} rows={rows ?? 4} /> : <input {...common} type={type} autoComplete={rest.autoComplete} min={rest.min} max={rest.max} />}
      {hint && (
        <div class="field-hint" id={`${id}-hint`}>
          {hint}
        </div>
      )}
      {error && (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}
