// Display names of the people a meeting's transcript and talk time mention: learnt from what
// the server sends with names (transcript pages, talk time), else asked once per person.
import { signal } from '@preact/signals';
import { publicProfileSchema } from '../../../../../shared/protocol/users.js';
import { get } from '../../../api/http.js';
import { displayName } from '../../../live/me.js';

export const knownNames = signal<ReadonlyMap<number, string>>(new Map());
const asked = new Set<number>();

export function learnNames(pairs: Iterable<readonly [number, string]>): void {
  let next: Map<number, string> | null = null;
  for (const [id, name] of pairs) {
    if (knownNames.value.get(id) === name) continue;
    next ??= new Map(knownNames.value);
    next.set(id, name);
  }
  if (next) knownNames.value = next;
}

/** Looks a person's name up unless it is known or already asked for. */
export function askName(id: number): void {
  if (knownNames.value.has(id) || asked.has(id)) return;
  asked.add(id);
  get(`/api/users/${id}`, publicProfileSchema).then(
    (profile) => learnNames([[id, displayName(profile)]]),
    () => asked.delete(id),
  );
}
