// /photos/:projectId: add page photos, read their text (the job's progress live), pick lines
// and quote them into a club's notebook.
import { useEffect, useState } from 'preact/hooks';
import { z } from 'zod';
import { myClubsResponseSchema } from '../../../../shared/protocol/clubs.js';
import { jobResponseSchema, projectResponseSchema, resultResponseSchema, type ImageResponse, type ProjectResponse } from '../../../../shared/protocol/projects.js';
import { act, get } from '../../api/http.js';
import { connectCount, getSocket } from '../../api/socket.js';
import { formatNumber, t } from '../../i18n/index.js';
import { session } from '../../api/session.js';
import { onLinkClick } from '../../router.js';
import type { RouteProps } from '../../routes.js';
import { errorWords } from '../../ui/errors.js';
import { Page } from '../../ui/page.js';
import { Empty, ErrorMessage, Loading } from '../../ui/status.js';
import { useResource } from '../../ui/use-resource.js';
import { statusWords } from './project-status.js';
import { ResultCard } from './result-card.js';
import { Uploader } from './uploader.js';
import './photos.css';

type Progress = { done: number; total: number; status: 'running' | 'completed' | 'failed' };

/** Roles that may write in a club's notebook (shared/permissions.ts: notes.write, note-takers and up). */
const WRITERS = new Set(['owner', 'moderator', 'notetaker']);

function ReadPanel({ project, progress, onStart }: { project: ProjectResponse; progress: Progress | null; onStart: (onlyNew: boolean) => Promise<void> }) {
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState('');
  // The live event says how far the job is; a reload after a reconnect says when it ended
  // while no event could arrive.
  const ended = project.status === 'COMPLETED' || project.status === 'FAILED';
  const running = progress ? progress.status === 'running' && !ended : project.status === 'RUNNING';
  const unread = project.images.filter((i) => !i.has_result).length;
  const start = async (onlyNew: boolean) => {
    setPending(true);
    setProblem('');
    try {
      await onStart(onlyNew);
    } catch (err) {
      setProblem(errorWords(err));
    } finally {
      setPending(false);
    }
  };
  const percent = progress && progress.total > 0 ? Math.round((progress.done / progress.total) * 100) : 0;
  return (
    <section class="card" aria-labelledby="photos-read">
      <h2 id="photos-read">{t('photos.read.title')}</h2>
      <div class="cluster">
        <button type="button" class="btn btn-primary" disabled={pending || running || project.images.length === 0} onClick={() => void start(false)}>
          {t('photos.read.all')}
        </button>
        {unread > 0 && unread < project.images.length && (
          <button type="button" class="btn" disabled={pending || running} onClick={() => void start(true)}>
            {t('photos.read.rest', { count: formatNumber(unread) })}
          </button>
        )}
      </div>
      {project.images.length === 0 && <p class="muted small">{t('photos.read.nothing')}</p>}
      {problem && (
        <p class="status status-error" role="alert">
          {problem}
        </p>
      )}
      <div role="status" class="photos-progress">
        {running && (
          <>
            <progress class="progress" max={100} value={progress ? percent : undefined} aria-label={t('photos.read.progressLabel')} />
            <p class="small">{progress ? t('photos.read.progress', { done: formatNumber(progress.done), total: formatNumber(progress.total) }) : t('photos.status.running')}</p>
          </>
        )}
        {!running && progress?.status === 'completed' && <p class="notice notice-success">{t('photos.read.done')}</p>}
        {!running && (progress?.status === 'failed' || (!progress && project.status === 'FAILED')) && <p class="notice notice-warning">{t('photos.read.failed')}</p>}
      </div>
    </section>
  );
}

export default function ProjectPage({ params }: RouteProps) {
  const id = Number(params.projectId);
  const project = useResource((signal) => get(`/api/projects/${id}`, projectResponseSchema, { signal }), [id, connectCount.value]);
  const results = useResource((signal) => get(`/api/projects/${id}/results`, z.array(resultResponseSchema), { signal }), [id, connectCount.value]);
  const clubs = useResource((signal) => get('/api/me/clubs', myClubsResponseSchema, { signal }), []);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [clubId, setClubId] = useState<number | null>(null);

  useEffect(() => {
    const socket = getSocket();
    const onProgress = (event: { project_id: number; done: number; total: number; status: Progress['status'] }) => {
      if (event.project_id !== id) return;
      setProgress({ done: event.done, total: event.total, status: event.status });
      // Each page read has its lines: show them as they come, and the project's status at the end.
      results.reload();
      if (event.status !== 'running') project.reload();
    };
    socket.on('project:progress', onProgress);
    return () => {
      socket.off('project:progress', onProgress);
    };
  }, [id]);

  // The project as the server has it now (its images and status), not a local guess.
  const onStored = (_images: ImageResponse[]) => project.reload();

  const onStart = async (onlyNew: boolean) => {
    const job = await act('post', `/api/projects/${id}/${onlyNew ? 'start_rest' : 'start'}`, jobResponseSchema);
    setProgress({ done: 0, total: job.total, status: 'running' });
    project.reload();
  };

  if (project.loading && !project.data)
    return (
      <Page title={t('photos.title')}>
        <Loading />
      </Page>
    );
  if (project.error || !project.data)
    return (
      <Page title={t('photos.title')}>
        <ErrorMessage error={project.error} onRetry={project.reload} />
      </Page>
    );

  const data = project.data;
  const mine = data.owner_id === session.value?.userId;
  const writable = (clubs.data?.items ?? []).filter((c) => WRITERS.has(c.role));
  const club = writable.find((c) => c.id === clubId) ?? writable[0];
  const byImage = new Map((results.data ?? []).map((r) => [r.image_id, r]));

  return (
    <Page
      title={data.name}
      wide
      actions={
        <a href="/photos" onClick={onLinkClick} class="btn btn-quiet">
          {t('photos.back')}
        </a>
      }
    >
      <p class="cluster">
        <span class={`badge photos-status photos-status-${data.status.toLowerCase()}`}>{statusWords(data.status)}</span>
        {!mine && <span class="muted small">{t('photos.sharedBy', { name: data.owner_username })}</span>}
      </p>
      <div class="photos-project">
        <div class="photos-side stack">
          {mine && <Uploader projectId={id} onStored={onStored} />}
          {mine && <ReadPanel project={data} progress={progress} onStart={onStart} />}
        </div>
        <section class="photos-results stack" aria-labelledby="photos-lines">
          <h2 id="photos-lines">{t('photos.result.title')}</h2>
          {clubs.error ? (
            <ErrorMessage error={clubs.error} onRetry={clubs.reload} />
          ) : clubs.data && writable.length === 0 ? (
            <p class="notice">{t('photos.quote.noWritable')}</p>
          ) : (
            writable.length > 0 && (
              <div class="field photos-club">
                <label for="photos-club">{t('photos.quote.club')}</label>
                <select id="photos-club" value={club?.id} onChange={(e) => setClubId(Number(e.currentTarget.value))}>
                  {writable.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.title}
                    </option>
                  ))}
                </select>
              </div>
            )
          )}
          {results.error && <ErrorMessage error={results.error} onRetry={results.reload} />}
          {data.images.length === 0 ? (
            <Empty>{t('photos.result.empty')}</Empty>
          ) : (
            data.images.map((image) => <ResultCard key={image.id} projectId={id} image={image} result={byImage.get(image.id)} club={club} />)
          )}
        </section>
      </div>
    </Page>
  );
}
