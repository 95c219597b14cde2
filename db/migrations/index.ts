// Migrations are listed statically so the same list runs from TypeScript (tests) and the
// compiled build, on PGlite and Postgres alike. Append only; never edit a shipped one.
import type { Migration } from 'kysely';
import * as m0001 from './0001_accounts.js';
import * as m0002 from './0002_images.js';
import * as m0003 from './0003_notes.js';
import * as m0004 from './0004_clubs.js';
import * as m0005 from './0005_content.js';
import * as m0006 from './0006_books.js';
import * as m0007 from './0007_posts.js';
import * as m0008 from './0008_meetings.js';
import * as m0009 from './0009_chat.js';
import * as m0010 from './0010_notes_versions.js';
import * as m0011 from './0011_user_preferences.js';
import * as m0012 from './0012_goal_dates_optional.js';
import * as m0013 from './0013_transcripts.js';
import * as m0014 from './0014_recording_segments.js';
import * as m0015 from './0015_user_avatars.js';
import * as m0016 from './0016_calendar_feeds.js';
import * as m0017 from './0017_calendar_feed_keys.js';

export const migrations: Record<string, Migration> = {
  '0001_accounts': m0001,
  '0002_images': m0002,
  '0003_notes': m0003,
  '0004_clubs': m0004,
  '0005_content': m0005,
  '0006_books': m0006,
  '0007_posts': m0007,
  '0008_meetings': m0008,
  '0009_chat': m0009,
  '0010_notes_versions': m0010,
  '0011_user_preferences': m0011,
  '0012_goal_dates_optional': m0012,
  '0013_transcripts': m0013,
  '0014_recording_segments': m0014,
  '0015_user_avatars': m0015,
  '0016_calendar_feeds': m0016,
  '0017_calendar_feed_keys': m0017,
};
