// The profile form's edits, kept in sessionStorage until saved: a reload, a dropped connection or
// a trip to another screen loses nothing. One draft per account, so another login starts clean.
import type { ProfileUpdate } from '../../../../shared/protocol/users.js';
import type { Me } from '../../live/me.js';

export interface ProfileDraft {
  nickname: string;
  first_name: string;
  last_name: string;
  bio: string;
  phone: string;
  birth_date: string;
  interests: string[];
}

const key = (userId: number) => `roundtable.profile-draft.${userId}`;

export function draftOf(profile: Me): ProfileDraft {
  return {
    nickname: profile.nickname ?? '',
    first_name: profile.first_name,
    last_name: profile.last_name,
    bio: profile.bio ?? '',
    phone: profile.phone ?? '',
    birth_date: profile.birth_date ?? '',
    interests: [...profile.interests],
  };
}

export function sameDraft(a: ProfileDraft, b: ProfileDraft): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function loadDraft(userId: number): ProfileDraft | null {
  try {
    const raw = sessionStorage.getItem(key(userId));
    if (!raw) return null;
    const value = JSON.parse(raw) as Partial<ProfileDraft>;
    const text = (v: unknown) => (typeof v === 'string' ? v : '');
    return {
      nickname: text(value.nickname),
      first_name: text(value.first_name),
      last_name: text(value.last_name),
      bio: text(value.bio),
      phone: text(value.phone),
      birth_date: text(value.birth_date),
      interests: Array.isArray(value.interests) ? value.interests.filter((i): i is string => typeof i === 'string') : [],
    };
  } catch {
    return null;
  }
}

export function saveDraft(userId: number, draft: ProfileDraft | null): void {
  try {
    if (draft) sessionStorage.setItem(key(userId), JSON.stringify(draft));
    else sessionStorage.removeItem(key(userId));
  } catch {
    // Storage refused: the draft lives as long as the page.
  }
}

/** The PATCH /api/me body for a draft: an emptied optional field is cleared (null). */
export function updateOf(draft: ProfileDraft): ProfileUpdate {
  const orNull = (value: string) => (value.trim() ? value.trim() : null);
  return {
    nickname: orNull(draft.nickname),
    first_name: draft.first_name.trim(),
    last_name: draft.last_name.trim(),
    bio: orNull(draft.bio),
    phone: orNull(draft.phone),
    birth_date: orNull(draft.birth_date),
    interests: draft.interests,
  };
}
