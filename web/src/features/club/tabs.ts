// The club page's tabs: each is its own chunk, owned by its feature. The club page draws the
// header and the tab list; the tab draws the rest with the club it is given.
import type { ComponentType } from 'preact';
import type { ClubResponse } from '../../../../shared/protocol/clubs.js';
import type { MessageKey } from '../../i18n/index.js';

export interface ClubTabProps {
  club: ClubResponse;
  /** Loads the club again (after an edit that changes its header, say). */
  reloadClub: () => void;
}

export interface ClubTab {
  id: string;
  label: MessageKey;
  /** Who sees the tab: everyone who can open the club, members only, or owners and moderators. */
  who: 'anyone' | 'members' | 'moderators';
  load: () => Promise<{ default: ComponentType<ClubTabProps> }>;
}

export const CLUB_TABS: ClubTab[] = [
  { id: 'overview', label: 'club.tab.overview', who: 'anyone', load: () => import('./overview-tab.js') },
  { id: 'reading', label: 'club.tab.reading', who: 'anyone', load: () => import('./reading-tab.js') },
  { id: 'goals', label: 'club.tab.goals', who: 'anyone', load: () => import('./goals-tab.js') },
  { id: 'members', label: 'club.tab.members', who: 'anyone', load: () => import('./members-tab.js') },
  { id: 'chat', label: 'club.tab.chat', who: 'members', load: () => import('../chat/chat-tab.js') },
  { id: 'posts', label: 'club.tab.posts', who: 'anyone', load: () => import('./posts-tab.js') },
  { id: 'meetings', label: 'club.tab.meetings', who: 'members', load: () => import('./meetings-tab.js') },
  { id: 'notebook', label: 'club.tab.notebook', who: 'members', load: () => import('../photos/notebook-tab.js') },
  { id: 'dues', label: 'club.tab.dues', who: 'members', load: () => import('./dues-tab.js') },
  { id: 'manage', label: 'club.tab.manage', who: 'moderators', load: () => import('../owner/manage-tab.js') },
];
