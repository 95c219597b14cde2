// One page photo sent to a project with upload progress. It is `upload()` of api/http.ts with
// one difference: when the server stores none of the files it answers 400 with the same body
// as a partial success ({data: [], error: true, bad_images}), and `upload()` only accepts a 400
// body whose `error` is absent, so it would lose the reason. Here that body is read as the
// answer it is.
import { uploadResponseSchema, type UploadResponse } from '../../../../shared/protocol/projects.js';
import { ApiError } from '../../api/errors.js';
import { currentAccess, refreshAccess } from '../../api/session.js';

type Body = { error?: unknown; bad_images?: unknown } | null;

const isErrorEnvelope = (body: Body): body is { error: { code?: string; message?: string; details?: unknown } } =>
  typeof body?.error === 'object' && body.error !== null;

export function sendPhoto(projectId: number, file: File, onProgress: (fraction: number) => void): { done: Promise<UploadResponse>; abort: () => void } {
  const xhr = new XMLHttpRequest();
  const form = new FormData();
  form.append('images', file, file.name);
  const done = new Promise<UploadResponse>((resolve, reject) => {
    const attempt = (token: string | null, retried: boolean): void => {
      xhr.open('POST', `/api/projects/${projectId}/images`);
      xhr.responseType = 'json';
      if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
      xhr.upload.onprogress = (event) => onProgress(event.lengthComputable && event.total > 0 ? event.loaded / event.total : 0);
      xhr.onerror = () => reject(new ApiError('network', 'upload failed'));
      xhr.onabort = () => reject(new ApiError('timeout', 'upload cancelled'));
      xhr.onload = () => {
        const body = xhr.response as Body;
        if (xhr.status === 401 && !retried && token) {
          void refreshAccess(token).then((fresh) => (fresh ? attempt(fresh, true) : reject(new ApiError('token_expired', 'session ended', 401))));
          return;
        }
        if ((xhr.status >= 200 && xhr.status < 300) || (xhr.status === 400 && body && !isErrorEnvelope(body))) {
          const result = uploadResponseSchema.safeParse(body);
          if (result.success) resolve(result.data);
          else reject(new ApiError('unexpected', result.error.message));
          return;
        }
        const retryAfter = Number(xhr.getResponseHeader('retry-after')) || undefined;
        const envelope = isErrorEnvelope(body) ? body.error : undefined;
        reject(new ApiError((envelope?.code ?? 'unexpected') as ApiError['code'], envelope?.message ?? xhr.statusText, xhr.status, envelope?.details, retryAfter));
      };
      xhr.send(form);
    };
    attempt(currentAccess(), false);
  });
  return { done, abort: () => xhr.abort() };
}
