// Placeholder until this tab is built.
import type { ClubTabProps } from './tabs.js';

export default function ReadingTab(_props: ClubTabProps) {
  return null;
}
