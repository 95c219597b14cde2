// English words of the club screens. Keys start with "club.".
export const clubEn = {
  'club.tab.overview': 'Overview',
  'club.tab.reading': 'Reading',
  'club.tab.goals': 'Goals',
  'club.tab.members': 'Members',
  'club.tab.chat': 'Chat',
  'club.tab.posts': 'Posts',
  'club.tab.meetings': 'Meetings',
  'club.tab.notebook': 'Notebook',
  'club.tab.dues': 'Dues',
  'club.tab.manage': 'Manage',
} as const;
