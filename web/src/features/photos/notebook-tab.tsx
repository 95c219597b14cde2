// Placeholder until this tab is built.
import type { ClubTabProps } from '../club/tabs.js';

export default function NotebookTab(_props: ClubTabProps) {
  return null;
}
