// Placeholder: the meeting room's side panel (minutes, transcript, summary, talk time).
export interface SidePanelProps {
  meetingId: number;
  clubId: number;
  /** The viewer's role in the club: note-takers and moderators edit the minutes, others read. */
  role: string;
  /** The meeting has ended: show the summary. */
  ended: boolean;
}

export function SidePanel(_props: SidePanelProps) {
  return null;
}
