// Placeholder until this tab is built.
import type { ClubTabProps } from '../club/tabs.js';

export default function ManageTab(_props: ClubTabProps) {
  return null;
}
