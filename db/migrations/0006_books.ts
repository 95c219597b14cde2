import { sql, type Kysely } from 'kysely';

// The book catalogue, each club's reading list, readers' logs (progress, ratings, reviews)
// and the days they read (for streaks).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('books')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('title', 'text', (c) => c.notNull().check(sql`char_length(title) BETWEEN 1 AND 300`))
    .addColumn('author', 'text', (c) => c.notNull().check(sql`char_length(author) BETWEEN 1 AND 200`))
    .addColumn('cover_file_id', 'uuid', (c) => c.references('files.id').onDelete('set null'))
    .addColumn('published_at', 'date')
    .addColumn('category', 'text')
    // Normalized ISBN-13: thirteen digits, no hyphens.
    .addColumn('isbn', 'text', (c) => c.unique().check(sql`isbn ~ '^97[89][0-9]{10}$'`))
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    // Kept by the same transactions that change ratings, so the average costs no scan.
    .addColumn('rating_sum', 'integer', (c) => c.notNull().defaultTo(0).check(sql`rating_sum >= 0`))
    .addColumn('rating_count', 'integer', (c) => c.notNull().defaultTo(0).check(sql`rating_count >= 0`))
    .addColumn('search', sql`tsvector`, (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`CREATE INDEX books_search ON books USING gin (search)`.execute(db);
  await sql`CREATE INDEX books_category ON books (lower(category))`.execute(db);
  await db.schema.createIndex('books_created_by').on('books').column('created_by').execute();

  await db.schema
    .createTable('club_books')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('club_id', 'integer', (c) => c.notNull().references('clubs.id').onDelete('cascade'))
    .addColumn('book_id', 'integer', (c) => c.notNull().references('books.id'))
    .addColumn('position', 'integer', (c) => c.notNull().check(sql`position >= 0`))
    .addColumn('chapters', 'text')
    .addColumn('pages', 'text')
    .addColumn('target_date', 'date')
    .addColumn('added_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('club_books_book', ['club_id', 'book_id'])
    // Checked at commit, so a reorder may pass through duplicates.
    .addUniqueConstraint('club_books_position', ['club_id', 'position'], (c) => c.deferrable().initiallyDeferred())
    .execute();
  await db.schema.createIndex('club_books_by_book').on('club_books').column('book_id').execute();

  await db.schema
    .createTable('reading_logs')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('book_id', 'integer', (c) => c.notNull().references('books.id'))
    .addColumn('club_id', 'integer', (c) => c.references('clubs.id').onDelete('set null'))
    .addColumn('started_at', 'date')
    .addColumn('finished_at', 'date')
    .addColumn('progress', 'integer', (c) => c.notNull().defaultTo(0).check(sql`progress BETWEEN 0 AND 100`))
    .addColumn('rating', 'integer', (c) => c.check(sql`rating BETWEEN 1 AND 5`))
    .addColumn('review', 'text', (c) => c.check(sql`char_length(review) <= 5000`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('reading_logs_user_book', ['user_id', 'book_id'])
    .addCheckConstraint('reading_logs_dates', sql`finished_at IS NULL OR started_at IS NULL OR finished_at >= started_at`)
    .execute();
  await db.schema.createIndex('reading_logs_book').on('reading_logs').column('book_id').execute();
  await db.schema.createIndex('reading_logs_club').on('reading_logs').column('club_id').execute();

  await db.schema
    .createTable('reading_days')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('minutes', 'integer', (c) => c.notNull().defaultTo(0).check(sql`minutes BETWEEN 0 AND 1440`))
    .addPrimaryKeyConstraint('reading_days_pk', ['user_id', 'day'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['reading_days', 'reading_logs', 'club_books', 'books']) await db.schema.dropTable(table).execute();
}
