// Placeholder: the header's live count of knocks waiting for this person.
export function KnockBadge() {
  return null;
}
