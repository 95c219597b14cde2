// Which notes documents a person may open, from their club role: `club.<id>` is a club's
// notebook, `meeting.<id>` the minutes of one meeting (its club decides). Writers need
// notes.write (note-takers and up); readers notes.read (members and guests).
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types.js';
import { can } from '../../shared/permissions.js';
import type { ClubAccessResolver } from '../clubs/access.js';
import type { NotesAccess } from './connection.js';
import { numberedDoc } from './doc-name.js';
import type { NotesAuthorizer } from './server.js';

/** The club a notes document belongs to, or null when there is no such document. */
export type NotesClubLookup = (kind: 'club' | 'meeting', id: number) => Promise<number | null>;

export function clubNotesAuthorizer(clubs: ClubAccessResolver, clubOf: NotesClubLookup): NotesAuthorizer {
  return async (userId, docName): Promise<NotesAccess | null> => {
    // Only the canonical spelling: `club.004` must not be a second document of club 4.
    const named = numberedDoc(docName);
    if (!named) return null;
    const clubId = await clubOf(named.kind, named.id);
    if (clubId === null) return null;
    const access = await clubs.resolve(clubId, userId);
    if (!access) return null;
    if (can(access.role, 'notes.write', access.club)) return 'write';
    if (can(access.role, 'notes.read', access.club)) return 'read';
    return null;
  };
}

/** Looks the club up in the database: the club itself, or the club of a meeting. */
export function databaseNotesLookup(db: Kysely<Database>): NotesClubLookup {
  return async (kind, id) => {
    if (id > 2 ** 31 - 1) return null;
    if (kind === 'club') {
      const club = await db.selectFrom('clubs').select('id').where('id', '=', id).executeTakeFirst();
      return club?.id ?? null;
    }
    const meeting = await db.selectFrom('meetings').select('club_id').where('id', '=', id).executeTakeFirst();
    return meeting?.club_id ?? null;
  };
}
