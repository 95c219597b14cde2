// Placeholder until this tab is built.
import type { ClubTabProps } from './tabs.js';

export default function OverviewTab(_props: ClubTabProps) {
  return null;
}
