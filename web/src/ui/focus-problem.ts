// After a refused submit, focus goes to what the person must fix: the first field the form marks
// invalid (its words tied to it by aria-describedby), else the form's own alert. Without this the
// submit button, disabled while the request ran, dropped focus to the page's start.
import type { RefObject } from 'preact';
import { useEffect } from 'preact/hooks';

/** Focuses the first problem inside `form` each time `refusal` becomes a new truthy value. */
export function useFocusFirstProblem(form: RefObject<HTMLElement>, refusal: unknown): void {
  useEffect(() => {
    if (!refusal || !form.current) return;
    const target = form.current.querySelector<HTMLElement>('[aria-invalid="true"]') ?? form.current.querySelector<HTMLElement>('[role="alert"]');
    target?.focus();
  }, [refusal, form]);
}
