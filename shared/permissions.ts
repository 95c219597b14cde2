// The one permission table: which club role may do what. REST routes, Socket.IO handlers, the
// notes endpoint and the SFU all ask `can()`; nothing else decides authorization.
//
// Roles form a ladder (owner ⊃ moderator ⊃ notetaker ⊃ member ⊃ guest ⊃ outsider). A guest was
// admitted once to a meeting without joining; an outsider has no tie to the club.

export const CLUB_ROLES = ['owner', 'moderator', 'notetaker', 'member'] as const;
export type ClubRole = (typeof CLUB_ROLES)[number];
export type Role = ClubRole | 'guest' | 'outsider';
export const ALL_ROLES: readonly Role[] = ['owner', 'moderator', 'notetaker', 'member', 'guest', 'outsider'];

/** Who may, from the weakest role up; `public` lets outsiders in when the club is public. */
interface Rule {
  least: Role;
  public?: boolean;
}

const RANK: Record<Role, number> = { outsider: 0, guest: 1, member: 2, notetaker: 3, moderator: 4, owner: 5 };

export const PERMISSIONS = {
  // The club itself
  'club.read': { least: 'guest', public: true },
  'club.update': { least: 'owner' },
  'club.delete': { least: 'owner' },
  'club.transfer': { least: 'owner' },
  'club.like': { least: 'outsider' },
  'club.leave': { least: 'member' },
  'club.knock': { least: 'outsider' },
  // Membership
  'member.list': { least: 'member', public: true },
  'member.set_role': { least: 'owner' },
  'member.remove': { least: 'moderator' },
  'member.ban': { least: 'moderator' },
  'knock.list': { least: 'moderator' },
  'knock.decide': { least: 'moderator' },
  // Club content
  'content.read': { least: 'guest', public: true },
  /** A secret calendar address of the club's schedule: members only, since it outlives no membership. */
  'calendar.subscribe': { least: 'member' },
  'notice.write': { least: 'moderator' },
  'rule.write': { least: 'moderator' },
  'goal.write': { least: 'moderator' },
  'goal.complete': { least: 'member' },
  'reading_list.write': { least: 'moderator' },
  'reading_log.write': { least: 'member' },
  'reading_log.read': { least: 'member' },
  'dues.read_all': { least: 'moderator' },
  'dues.read_own': { least: 'member' },
  'dues.record': { least: 'owner' },
  'season.manage': { least: 'owner' },
  // Posts
  'post.read': { least: 'member', public: true },
  'post.create': { least: 'member' },
  'post.moderate': { least: 'moderator' },
  'report.create': { least: 'guest' },
  'report.review': { least: 'moderator' },
  // Meetings, chat, notes
  'meeting.read': { least: 'member' },
  'meeting.create': { least: 'moderator' },
  'meeting.join': { least: 'guest' },
  'meeting.moderate': { least: 'moderator' },
  'meeting.end': { least: 'moderator' },
  /** Taking down someone else's raised hand (everyone raises and lowers their own). */
  'meeting.lower_hands': { least: 'moderator' },
  /** Turning a meeting's transcription on or off, and the club's default: the owner's decision. */
  'meeting.transcription': { least: 'owner' },
  'chat.read': { least: 'guest' },
  'chat.send': { least: 'guest' },
  'chat.moderate': { least: 'moderator' },
  'notes.read': { least: 'guest' },
  'notes.write': { least: 'notetaker' },
  'presence.read': { least: 'guest', public: true },
  // Meeting intelligence: transcripts, summaries, participation, the club's memory
  'transcript.read': { least: 'member' },
  'transcript.delete': { least: 'owner' },
  /** Transcribing an uploaded recording of the meeting, like turning transcription on: the owner's decision. */
  'transcript.upload': { least: 'owner' },
  'summary.read': { least: 'member' },
  // Those who keep the minutes ask for the summary that is written into them.
  'summary.create': { least: 'notetaker' },
  'participation.read': { least: 'member' },
  'memory.search': { least: 'member' },
  // Image projects shared with a club
  'project.read': { least: 'member' },
} as const satisfies Record<string, Rule>;

export type Action = keyof typeof PERMISSIONS;
export const ACTIONS = Object.keys(PERMISSIONS) as Action[];

export interface ClubVisibility {
  visibility: 'public' | 'private';
}

export function can(role: Role, action: Action, club?: ClubVisibility): boolean {
  const rule: Rule = PERMISSIONS[action];
  if (RANK[role] >= RANK[rule.least]) return true;
  // What a public club shows to anyone, it shows to guests too.
  return rule.public === true && club?.visibility === 'public';
}

/** True when `a` outranks `b` (moderators may act on members, not on other moderators). */
export function outranks(a: Role, b: Role): boolean {
  return RANK[a] > RANK[b];
}
