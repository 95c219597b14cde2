// /photos: my page-photo projects (and those shared with my clubs), and a new one by name.
import { useState } from 'preact/hooks';
import { z } from 'zod';
import { modelSummarySchema, projectCreateSchema, projectResponseSchema, type ProjectResponse } from '../../../../shared/protocol/projects.js';
import { get, send } from '../../api/http.js';
import { toApiError } from '../../api/errors.js';
import { formatRelative, t, tn } from '../../i18n/index.js';
import { session } from '../../api/session.js';
import { navigate, onLinkClick } from '../../router.js';
import type { RouteProps } from '../../routes.js';
import { errorWords } from '../../ui/errors.js';
import { Field } from '../../ui/field.js';
import { Page } from '../../ui/page.js';
import { Empty, ErrorMessage, Loading } from '../../ui/status.js';
import { useResource } from '../../ui/use-resource.js';
import { statusWords } from './project-status.js';
import './photos.css';

const modelsSchema = z.array(modelSummarySchema);

function NewProject() {
  const models = useResource((signal) => get('/api/models', modelsSchema, { signal }), []);
  const readers = (models.data ?? []).filter((m) => m.task === 'ocr');
  const ready = readers.filter((m) => m.available);
  const [name, setName] = useState('');
  const [model, setModel] = useState('');
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<{ name?: string; form?: string }>({});

  const chosen = model || ready[0]?.id || '';
  const submit = async (event: Event) => {
    event.preventDefault();
    setPending(true);
    setProblem({});
    try {
      const project = await send('post', '/api/projects', projectCreateSchema, { name, ai_model_id: chosen }, projectResponseSchema);
      navigate(`/photos/${project.id}`);
    } catch (err) {
      const error = toApiError(err);
      const fields = error.fieldProblems();
      setProblem(fields.has('name') ? { name: t('photos.create.nameProblem') } : { form: errorWords(error) });
      setPending(false);
    }
  };

  if (models.loading && !models.data) return <Loading />;
  if (models.error) return <ErrorMessage error={models.error} onRetry={models.reload} />;
  return (
    <section class="card" aria-labelledby="photos-new">
      <h2 id="photos-new">{t('photos.create.title')}</h2>
      {ready.length === 0 ? (
        <p class="notice notice-warning">{t('photos.create.noReader')}</p>
      ) : (
        <form class="stack" onSubmit={(e) => void submit(e)} noValidate>
          <Field label={t('photos.create.name')} hint={t('photos.create.nameHint')} value={name} onValue={setName} maxLength={100} required error={problem.name} />
          {ready.length > 1 && (
            <div class="field">
              <label for="photos-model">{t('photos.create.model')}</label>
              <select id="photos-model" value={chosen} onChange={(e) => setModel(e.currentTarget.value)}>
                {ready.map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.name}
                  </option>
                ))}
              </select>
            </div>
          )}
          {problem.form && (
            <p class="status status-error" role="alert">
              {problem.form}
            </p>
          )}
          <div class="cluster">
            <button type="submit" class="btn btn-primary" disabled={pending}>
              {pending ? t('photos.create.pending') : t('photos.create.submit')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

function ProjectRow({ project }: { project: ProjectResponse }) {
  const mine = project.owner_id === session.value?.userId;
  return (
    <li class="photos-row">
      <div class="photos-row-main">
        <a href={`/photos/${project.id}`} onClick={onLinkClick} class="photos-row-name">
          {project.name}
        </a>
        <span class="muted small">
          {tn('photos.count', project.images_nr)}
          {' · '}
          {t('photos.updated', { when: formatRelative(project.updated_at) })}
          {!mine && ` · ${t('photos.sharedBy', { name: project.owner_username })}`}
        </span>
      </div>
      <span class={`badge photos-status photos-status-${project.status.toLowerCase()}`}>{statusWords(project.status)}</span>
    </li>
  );
}

export default function PhotosPage(_props: RouteProps) {
  const projects = useResource((signal) => get('/api/projects', z.array(projectResponseSchema), { signal }), []);
  return (
    <Page title={t('photos.title')}>
      <p class="muted">{t('photos.intro')}</p>
      <div class="photos-layout">
        <section aria-labelledby="photos-mine" class="photos-list-section">
          <h2 id="photos-mine">{t('photos.mine')}</h2>
          {projects.loading && !projects.data ? (
            <Loading />
          ) : projects.error ? (
            <ErrorMessage error={projects.error} onRetry={projects.reload} />
          ) : (projects.data ?? []).length === 0 ? (
            <Empty>{t('photos.empty')}</Empty>
          ) : (
            <ul class="list">
              {(projects.data ?? []).map((p) => (
                <ProjectRow key={p.id} project={p} />
              ))}
            </ul>
          )}
        </section>
        <NewProject />
      </div>
    </Page>
  );
}
