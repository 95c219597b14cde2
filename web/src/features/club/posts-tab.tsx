// The club's posts, newest first: open one to read it and its comments, write a post or a
// comment, edit or delete your own (moderators may delete any), report someone else's.
import { useState } from 'preact/hooks';
import { pageSchema } from '../../../../shared/protocol/common.js';
import {
  commentCreateSchema,
  commentResponseSchema,
  COMMENT_MAX,
  POST_CONTENT_MAX,
  POST_TITLE_MAX,
  postCreateSchema,
  postResponseSchema,
  postUpdateSchema,
  type CommentResponse,
  type PostResponse,
} from '../../../../shared/protocol/posts.js';
import { ApiError } from '../../api/errors.js';
import { act, get, send } from '../../api/http.js';
import { formatDateTime, formatRelative, t, tn } from '../../i18n/index.js';
import { Avatar } from '../../ui/avatar.js';
import { errorWords } from '../../ui/errors.js';
import { Field } from '../../ui/field.js';
import { Empty, ErrorMessage, Loading } from '../../ui/status.js';
import { allowed, myId, useAction, useContentLive, usePaged, type ActionState } from './content-common.js';
import { ShowMore } from './content-more.js';
import { useReport } from './report-form.js';
import './content-tabs.css';
import type { ClubTabProps } from './tabs.js';
import { displayName } from '../../live/me.js';

const postPage = pageSchema(postResponseSchema);
const commentPage = pageSchema(commentResponseSchema);
const POSTS_PER_PAGE = 10;
const COMMENTS_PER_PAGE = 20;

interface Powers {
  write: boolean;
  moderate: boolean;
  report: boolean;
  myId: number | undefined;
}

function FailedWords({ state }: { state: ActionState }) {
  if (state.kind !== 'failed') return null;
  return (
    <p class="field-error" role="alert">
      {errorWords(state.error)}
    </p>
  );
}

/** The field problems of a failed save, by field, for the form's fields. */
function problemsOf(state: ActionState): Map<string, string> {
  return state.kind === 'failed' && state.error instanceof ApiError ? state.error.fieldProblems() : new Map<string, string>();
}

function When({ at }: { at: string }) {
  return (
    <time dateTime={at} title={formatDateTime(at)}>
      {formatRelative(at)}
    </time>
  );
}

export default function PostsTab({ club }: ClubTabProps) {
  const canRead = allowed(club, 'post.read');
  // Whoever may read a post or comment may report it (an outsider of a public club too), as the server allows.
  const powers: Powers = { write: allowed(club, 'post.create'), moderate: allowed(club, 'post.moderate'), report: canRead && myId() !== undefined, myId: myId() };
  const posts = usePaged((cursor, signal) => (canRead ? get(`/api/clubs/${club.id}/posts`, postPage, { signal, query: { limit: POSTS_PER_PAGE, cursor } }) : Promise.resolve({ items: [], next_cursor: null })), [club.id, canRead]);
  useContentLive(club.id, ['post'], posts.reload);
  const [writing, setWriting] = useState(false);

  if (!canRead) {
    return (
      <section class="content-tab" aria-labelledby="posts-title">
        <h2 id="posts-title">{t('content.posts.title')}</h2>
        <Empty>{t('content.posts.membersOnly')}</Empty>
      </section>
    );
  }
  if (!posts.items && posts.loading) return <Loading />;
  if (!posts.items) return <ErrorMessage error={posts.error} onRetry={posts.reload} />;
  const items = posts.items;
  const replace = (next: PostResponse) => posts.set((current) => current.map((post) => (post.id === next.id ? next : post)));
  const remove = (id: number) => posts.set((current) => current.filter((post) => post.id !== id));

  return (
    <section class="content-tab stack" aria-labelledby="posts-title">
      <div class="content-head">
        <h2 id="posts-title">{t('content.posts.title')}</h2>
        {powers.write && !writing && (
          <button type="button" class="btn btn-primary" onClick={() => setWriting(true)}>
            {t('content.posts.write')}
          </button>
        )}
      </div>
      {writing && (
        <PostForm
          heading={t('content.posts.newTitle')}
          submitLabel={t('content.posts.publish')}
          onCancel={() => setWriting(false)}
          save={async (title, content) => {
            const post = await send('post', `/api/clubs/${club.id}/posts`, postCreateSchema, { title, content }, postResponseSchema);
            posts.set((current) => [post, ...current]);
            setWriting(false);
          }}
        />
      )}
      {items.length === 0 ? (
        <Empty>{t('content.posts.empty')}</Empty>
      ) : (
        <ul class="list content-posts">
          {items.map((post) => (
            <PostItem key={post.id} post={post} powers={powers} onChanged={replace} onRemoved={remove} />
          ))}
        </ul>
      )}
      <ShowMore paged={posts} label={t('content.posts.older')} />
    </section>
  );
}

function PostForm({ heading, submitLabel, initial, save, onCancel }: { heading: string; submitLabel: string; initial?: { title: string; content: string }; save: (title: string, content: string) => Promise<void>; onCancel: () => void }) {
  const [title, setTitle] = useState(initial?.title ?? '');
  const [content, setContent] = useState(initial?.content ?? '');
  const [state, run] = useAction();
  const problems = problemsOf(state);
  const pending = state.kind === 'pending';
  return (
    <form
      class="card content-form"
      aria-label={heading}
      onSubmit={(event) => {
        event.preventDefault();
        void run(() => save(title, content));
      }}
    >
      <Field label={t('content.posts.titleLabel')} value={title} onValue={setTitle} maxLength={POST_TITLE_MAX} required autoFocus error={problems.get('title')} />
      <Field label={t('content.posts.contentLabel')} value={content} onValue={setContent} multiline rows={6} maxLength={POST_CONTENT_MAX} error={problems.get('content')} />
      <div class="cluster">
        <button type="submit" class="btn btn-primary" disabled={pending} aria-busy={pending}>
          {pending ? t('content.saving') : submitLabel}
        </button>
        <button type="button" class="btn btn-quiet" onClick={onCancel} disabled={pending}>
          {t('content.cancel')}
        </button>
      </div>
      {problems.size === 0 && <FailedWords state={state} />}
    </form>
  );
}

function PostItem({ post, powers, onChanged, onRemoved }: { post: PostResponse; powers: Powers; onChanged: (post: PostResponse) => void; onRemoved: (id: number) => void }) {
  const [open, setOpen] = useState(false);
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [removal, runRemoval] = useAction();
  const mine = post.author.id === powers.myId;
  const bodyId = `post-${post.id}-body`;
  const report = useReport({ post_id: post.id }, { open: t('content.report.openPost', { title: post.title }), heading: t('content.report.postTitle') }, powers.report && !mine);

  return (
    <li class="content-post">
      <h3 class="content-post-title">
        <button type="button" class="content-disclosure" aria-expanded={open} aria-controls={bodyId} onClick={() => setOpen(!open)}>
          <span aria-hidden="true" class="content-chevron">
            {open ? '▾' : '▸'}
          </span>
          {post.title}
        </button>
      </h3>
      <p class="small muted cluster">
        <span class="content-byline">
          <Avatar person={post.author} size={24} named />
          <span title={`@${post.author.username}`}>{displayName(post.author)}</span>
        </span>
        <When at={post.created_at} />
        {post.updated_at !== post.created_at && <span>{t('content.posts.edited')}</span>}
        <span>{tn('content.posts.comments', post.comment_count)}</span>
      </p>
      {open && (
        <div id={bodyId} class="content-post-body stack">
          {editing ? (
            <PostForm
              heading={t('content.posts.editTitle')}
              submitLabel={t('content.save')}
              initial={post}
              onCancel={() => setEditing(false)}
              save={async (title, content) => {
                const changes: { title?: string; content?: string } = {};
                if (title !== post.title) changes.title = title;
                if (content !== post.content) changes.content = content;
                if (Object.keys(changes).length > 0) onChanged(await send('patch', `/api/posts/${post.id}`, postUpdateSchema, changes, postResponseSchema));
                setEditing(false);
              }}
            />
          ) : (
            post.content && <p class="content-text prose">{post.content}</p>
          )}
          {!editing && (mine || powers.moderate || report.button) && (
            <div class="cluster">
              {mine && (
                <button type="button" class="btn btn-small" onClick={() => setEditing(true)}>
                  {t('content.edit')}
                </button>
              )}
              {confirming ? (
                <span class="cluster" role="group" aria-label={t('content.posts.deleteAsk')}>
                  <span>{t('content.posts.deleteAsk')}</span>
                  <button type="button" class="btn btn-small btn-danger" disabled={removal.kind === 'pending'} aria-busy={removal.kind === 'pending'} onClick={() => void runRemoval(async () => {
                    await act('delete', `/api/posts/${post.id}`);
                    onRemoved(post.id);
                  })}>
                    {removal.kind === 'pending' ? t('content.deleting') : t('content.delete')}
                  </button>
                  <button type="button" class="btn btn-small btn-quiet" onClick={() => setConfirming(false)}>
                    {t('content.notNow')}
                  </button>
                </span>
              ) : (
                (mine || powers.moderate) && (
                  <button type="button" class="btn btn-small btn-quiet" onClick={() => setConfirming(true)}>
                    {t('content.delete')}
                  </button>
                )
              )}
              {report.button}
            </div>
          )}
          {!editing && report.panel}
          <FailedWords state={removal} />
          <Comments post={post} powers={powers} onCount={(delta) => onChanged({ ...post, comment_count: Math.max(0, post.comment_count + delta) })} />
        </div>
      )}
    </li>
  );
}

function Comments({ post, powers, onCount }: { post: PostResponse; powers: Powers; onCount: (delta: number) => void }) {
  // The server lists newest first; they read oldest first, with earlier ones loaded above.
  const comments = usePaged((cursor, signal) => get(`/api/posts/${post.id}/comments`, commentPage, { signal, query: { limit: COMMENTS_PER_PAGE, cursor } }), [post.id]);
  const [draft, setDraft] = useState('');
  const [state, run] = useAction();
  const headingId = `post-${post.id}-comments`;

  const submit = (event: Event) => {
    event.preventDefault();
    void run(async () => {
      const comment = await send('post', `/api/posts/${post.id}/comments`, commentCreateSchema, { content: draft }, commentResponseSchema);
      comments.set((current) => [comment, ...current]);
      setDraft('');
      onCount(1);
    });
  };

  return (
    <section class="content-comments" aria-labelledby={headingId}>
      <h4 id={headingId}>{t('content.posts.commentsTitle')}</h4>
      {!comments.items && comments.loading && <Loading />}
      {!comments.items && !comments.loading && <ErrorMessage error={comments.error} onRetry={comments.reload} />}
      {comments.items && (
        <>
          <ShowMore paged={comments} label={t('content.posts.earlierComments')} />
          {comments.items.length === 0 ? (
            <p class="small muted">{t('content.posts.noComments')}</p>
          ) : (
            <ul class="list" aria-live="polite">
              {[...comments.items].reverse().map((comment) => (
                <CommentItem
                  key={comment.id}
                  comment={comment}
                  removable={comment.author.id === powers.myId || powers.moderate}
                  reportable={powers.report && comment.author.id !== powers.myId}
                  onRemoved={() => {
                    comments.set((current) => current.filter((c) => c.id !== comment.id));
                    onCount(-1);
                  }}
                />
              ))}
            </ul>
          )}
        </>
      )}
      {powers.write && (
        <form class="content-comment-form" onSubmit={submit}>
          <Field label={t('content.posts.yourComment')} value={draft} onValue={setDraft} multiline rows={2} maxLength={COMMENT_MAX} required error={problemsOf(state).get('content')} />
          <button type="submit" class="btn btn-primary btn-small" disabled={state.kind === 'pending'} aria-busy={state.kind === 'pending'}>
            {state.kind === 'pending' ? t('content.sending') : t('content.posts.comment')}
          </button>
          {problemsOf(state).size === 0 && <FailedWords state={state} />}
        </form>
      )}
    </section>
  );
}

function CommentItem({ comment, removable, reportable, onRemoved }: { comment: CommentResponse; removable: boolean; reportable: boolean; onRemoved: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [state, run] = useAction();
  const report = useReport({ comment_id: comment.id }, { open: t('content.report.openComment', { name: displayName(comment.author) }), heading: t('content.report.commentTitle') }, reportable);
  return (
    <li class="content-comment">
      <p class="small muted cluster">
        <span class="content-byline">
          <Avatar person={comment.author} size={24} named />
          <strong class="content-author" title={`@${comment.author.username}`}>
            {displayName(comment.author)}
          </strong>
        </span>
        <When at={comment.created_at} />
      </p>
      <p class="content-text">{comment.content}</p>
      {(removable || report.button) && (
        <div class="cluster">
          {!removable ? null : confirming ? (
            <>
              <span class="small">{t('content.posts.deleteCommentAsk')}</span>
              <button type="button" class="btn btn-small btn-danger" disabled={state.kind === 'pending'} aria-busy={state.kind === 'pending'} onClick={() => void run(async () => {
                await act('delete', `/api/comments/${comment.id}`);
                onRemoved();
              })}>
                {state.kind === 'pending' ? t('content.deleting') : t('content.delete')}
              </button>
              <button type="button" class="btn btn-small btn-quiet" onClick={() => setConfirming(false)}>
                {t('content.notNow')}
              </button>
            </>
          ) : (
            <button type="button" class="btn btn-small btn-quiet" onClick={() => setConfirming(true)}>
              {t('content.posts.deleteComment')}
            </button>
          )}
          {report.button}
        </div>
      )}
      {report.panel}
      <FailedWords state={state} />
    </li>
  );
}
