import { sql, type Kysely } from 'kysely';

// Posts (club posts, or community posts with no club), comments, and reports for moderators.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('posts')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('club_id', 'integer', (c) => c.references('clubs.id').onDelete('cascade'))
    .addColumn('author_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull().check(sql`char_length(title) BETWEEN 1 AND 150`))
    .addColumn('content', 'text', (c) => c.notNull().check(sql`char_length(content) <= 20000`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('deleted_at', 'timestamptz')
    .execute();
  // Lists read live posts of one club (or of the community, club_id null) newest first.
  await sql`CREATE INDEX posts_club_live ON posts (club_id, id DESC) WHERE deleted_at IS NULL`.execute(db);

  await db.schema
    .createTable('post_comments')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('post_id', 'integer', (c) => c.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('author_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('content', 'text', (c) => c.notNull().check(sql`char_length(content) BETWEEN 1 AND 5000`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('deleted_at', 'timestamptz')
    .execute();
  await sql`CREATE INDEX post_comments_live ON post_comments (post_id, id DESC) WHERE deleted_at IS NULL`.execute(db);

  await db.schema
    .createTable('reports')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('reporter_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('club_id', 'integer', (c) => c.references('clubs.id').onDelete('cascade'))
    .addColumn('post_id', 'integer', (c) => c.references('posts.id').onDelete('cascade'))
    .addColumn('comment_id', 'integer', (c) => c.references('post_comments.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('reason', 'text', (c) => c.notNull().check(sql`reason IN ('spam', 'abuse', 'off_topic', 'other')`))
    .addColumn('detail', 'text', (c) => c.notNull().defaultTo('').check(sql`char_length(detail) <= 1000`))
    // What the reporter saw (a post's title, a comment's opening), kept: the content may change
    // or become unreadable to them later. Empty for reports on people.
    .addColumn('excerpt', 'text', (c) => c.notNull().defaultTo('').check(sql`char_length(excerpt) <= 200`))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open').check(sql`status IN ('open', 'resolved')`))
    .addColumn('resolution', 'text', (c) => c.check(sql`resolution IN ('dismissed', 'removed_content')`))
    .addColumn('resolved_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('resolved_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('reports_one_target', sql`num_nonnulls(post_id, comment_id, user_id) = 1`)
    // A reported person is reported to one club's moderators.
    .addCheckConstraint('reports_user_in_club', sql`user_id IS NULL OR club_id IS NOT NULL`)
    .execute();
  // A person reports each target once.
  await sql`CREATE UNIQUE INDEX reports_once_per_post ON reports (reporter_id, post_id) WHERE post_id IS NOT NULL`.execute(db);
  await sql`CREATE UNIQUE INDEX reports_once_per_comment ON reports (reporter_id, comment_id) WHERE comment_id IS NOT NULL`.execute(db);
  await sql`CREATE UNIQUE INDEX reports_once_per_user ON reports (reporter_id, club_id, user_id) WHERE user_id IS NOT NULL`.execute(db);
  await db.schema.createIndex('reports_queue').on('reports').columns(['club_id', 'status', 'id']).execute();
  await db.schema.createIndex('reports_reporter').on('reports').columns(['reporter_id', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['reports', 'post_comments', 'posts']) await db.schema.dropTable(table).execute();
}
