// Page photos into a project: dropped or chosen, several at once, each sent on its own with a
// progress bar, then said stored or refused with its reason.
import { useRef, useState } from 'preact/hooks';
import { uploadResponseSchema, type ImageResponse } from '../../../../shared/protocol/projects.js';
import { toApiError } from '../../api/errors.js';
import { upload } from '../../api/http.js';
import { formatNumber, t, tn } from '../../i18n/index.js';
import { errorWords } from '../../ui/errors.js';
import { refusalWords } from './refusal-words.js';

type Named = { key: number; name: string; size: number };
type Sending = (Named & { state: 'waiting'; fraction: number }) | (Named & { state: 'sending'; fraction: number }) | (Named & { state: 'stored' }) | (Named & { state: 'refused'; reason: string });
type Change = { state: 'waiting'; fraction: number } | { state: 'sending'; fraction: number } | { state: 'stored' } | { state: 'refused'; reason: string };

/** Photos in flight at once: below the server's default of four uploads per person. */
const AT_ONCE = 2;
/** A too_many_uploads answer (uploads in another tab, say) is retried this often before it is shown. */
const BUSY_RETRIES = 3;

let nextKey = 1;

const sizeWords = (bytes: number) => (bytes >= 1024 * 1024 ? t('photos.upload.mb', { size: formatNumber(Math.round(bytes / 104857.6) / 10) }) : t('photos.upload.kb', { size: formatNumber(Math.max(1, Math.round(bytes / 1024))) }));

export function Uploader({ projectId, onStored }: { projectId: number; onStored: (images: ImageResponse[]) => void }) {
  const [items, setItems] = useState<Sending[]>([]);
  const [dragging, setDragging] = useState(false);
  const [summary, setSummary] = useState('');
  const input = useRef<HTMLInputElement>(null);

  const update = (key: number, next: Change) => setItems((list) => list.map((item): Sending => (item.key === key ? { key: item.key, name: item.name, size: item.size, ...next } : item)));

  async function sendOne(key: number, file: File): Promise<'stored' | 'refused'> {
    for (let attempt = 0; ; attempt++) {
      update(key, { state: 'sending', fraction: 0 });
      try {
        const form = new FormData();
        form.append('images', file, file.name);
        const answer = await upload(`/api/projects/${projectId}/images`, form, uploadResponseSchema, (sent, total) => update(key, { state: 'sending', fraction: total > 0 ? sent / total : 0 })).done;
        const bad = answer.bad_images[0];
        if (bad) {
          update(key, { state: 'refused', reason: refusalWords(bad.reason) });
          return 'refused';
        }
        onStored(answer.data);
        update(key, { state: 'stored' });
        return 'stored';
      } catch (err) {
        const error = toApiError(err);
        if (error.code === 'too_many_uploads' && attempt < BUSY_RETRIES) {
          await new Promise((resolve) => setTimeout(resolve, (error.retryAfter ?? 1) * 1000));
          continue;
        }
        update(key, { state: 'refused', reason: errorWords(error) });
        return 'refused';
      }
    }
  }

  async function sendAll(files: File[]) {
    if (files.length === 0) return;
    const queued = files.map((file) => ({ key: nextKey++, file }));
    setItems((list) => [...queued.map(({ key, file }): Sending => ({ key, name: file.name, size: file.size, state: 'waiting', fraction: 0 })), ...list]);
    setSummary(tn('photos.upload.started', files.length));
    const outcomes: Array<'stored' | 'refused'> = [];
    let next = 0;
    const worker = async () => {
      while (next < queued.length) {
        const item = queued[next++];
        if (item) outcomes.push(await sendOne(item.key, item.file));
      }
    };
    await Promise.all(Array.from({ length: Math.min(AT_ONCE, queued.length) }, worker));
    const stored = outcomes.filter((o) => o === 'stored').length;
    setSummary(t('photos.upload.finished', { stored: formatNumber(stored), refused: formatNumber(outcomes.length - stored) }));
  }

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    void sendAll([...(event.dataTransfer?.files ?? [])]);
  };

  return (
    <section class="card" aria-labelledby="photos-upload">
      <h2 id="photos-upload">{t('photos.upload.title')}</h2>
      <div
        class={`photos-drop${dragging ? ' photos-drop-active' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p>{t('photos.upload.drop')}</p>
        <button type="button" class="btn btn-primary" onClick={() => input.current?.click()}>
          {t('photos.upload.choose')}
        </button>
        <p class="muted small">{t('photos.upload.hint')}</p>
        <input
          ref={input}
          type="file"
          multiple
          accept="image/jpeg,image/png,image/webp"
          hidden
          aria-label={t('photos.upload.choose')}
          onChange={(e) => {
            const target = e.currentTarget;
            void sendAll([...(target.files ?? [])]);
            target.value = '';
          }}
        />
      </div>
      <p class="visually-hidden" role="status">
        {summary}
      </p>
      {items.length > 0 && (
        <ul class="photos-uploads" aria-label={t('photos.upload.list')}>
          {items.map((item) => (
            <li key={item.key} class={`photos-upload photos-upload-${item.state}`}>
              <div class="photos-upload-head">
                <span class="photos-upload-name">{item.name}</span>
                <span class="muted small">{sizeWords(item.size)}</span>
              </div>
              {item.state === 'waiting' || item.state === 'sending' ? (
                <>
                  <progress class="progress" max={100} value={Math.round(item.fraction * 100)} aria-label={t('photos.upload.progressOf', { name: item.name })} />
                  <span class="small muted">{item.state === 'waiting' ? t('photos.upload.waiting') : t('photos.upload.percent', { percent: formatNumber(Math.round(item.fraction * 100)) })}</span>
                </>
              ) : item.state === 'stored' ? (
                <span class="small photos-ok">{t('photos.upload.stored')}</span>
              ) : (
                <span class="small photos-bad">{t('photos.upload.refused', { reason: item.reason })}</span>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
