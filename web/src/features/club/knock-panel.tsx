// Placeholder: "Ask to join" for people who are not members yet, with the answer arriving live.
import type { ClubResponse } from '../../../../shared/protocol/clubs.js';

export interface KnockPanelProps {
  club: ClubResponse;
  /** Called when the person has been let in (the club page then loads again as a member). */
  onAdmitted: () => void;
}

export function KnockPanel(_props: KnockPanelProps) {
  return null;
}
