// Korean words of the club screens, typed against the English ones.
import type { clubEn } from '../en/club.js';

export const clubKo: Record<keyof typeof clubEn, string> = {
  'club.tab.overview': '개요',
  'club.tab.reading': '읽기',
  'club.tab.goals': '목표',
  'club.tab.members': '회원',
  'club.tab.chat': '채팅',
  'club.tab.posts': '게시글',
  'club.tab.meetings': '모임 기록',
  'club.tab.notebook': '노트',
  'club.tab.dues': '회비',
  'club.tab.manage': '관리',
};
