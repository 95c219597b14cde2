// The book catalogue, club reading lists, reading logs and reading days.
import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt, DateText, NullableDateText } from './common.js';

/** Defaults to now() on insert; the services set it on every change. */
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;

export interface BooksTable {
  id: Generated<number>;
  title: string;
  author: string;
  cover_file_id: string | null;
  published_at: NullableDateText;
  category: string | null;
  /** Normalized ISBN-13 (digits only), unique across the catalogue. */
  isbn: string | null;
  created_by: number | null;
  rating_sum: Generated<number>;
  rating_count: Generated<number>;
  /** tsvector, written with to_tsvector() by the service; never selected. */
  search: ColumnType<never, unknown, unknown>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** One book on a club's reading list. */
export interface ClubBooksTable {
  id: Generated<number>;
  club_id: number;
  book_id: number;
  /** 0-based order within the club's list. */
  position: number;
  /** Free text such as "1-4". */
  chapters: string | null;
  pages: string | null;
  target_date: NullableDateText;
  added_by: number | null;
  created_at: CreatedAt;
}

export interface ReadingLogsTable {
  id: Generated<number>;
  user_id: number;
  book_id: number;
  club_id: number | null;
  started_at: NullableDateText;
  finished_at: NullableDateText;
  /** Percent, 0–100. */
  progress: Generated<number>;
  /** 1–5; counted into books.rating_sum / rating_count. */
  rating: number | null;
  review: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ReadingDaysTable {
  user_id: number;
  day: DateText;
  minutes: Generated<number>;
}

export interface BookTables {
  books: BooksTable;
  club_books: ClubBooksTable;
  reading_logs: ReadingLogsTable;
  reading_days: ReadingDaysTable;
}
