// Why the server refused a file, in the viewer's words. The server names each bad file with a
// sentence (server/uploads/images.ts, server/projects/service.ts); the known ones are matched
// here, anything new is shown as the server wrote it.
import { formatNumber, t } from '../../i18n/index.js';

const megabytes = (bytes: string) => formatNumber(Math.round((Number(bytes) / (1024 * 1024)) * 10) / 10);
const megapixels = (pixels: string) => formatNumber(Math.round(Number(pixels) / 100_000) / 10);

const RULES: Array<[RegExp, (m: RegExpExecArray) => string]> = [
  [/file is empty/, () => t('photos.refused.empty')],
  [/larger than (\d+) bytes/, (m) => t('photos.refused.tooLarge', { size: megabytes(m[1] ?? '0') })],
  [/HEIC/, () => t('photos.refused.heic')],
  [/not a JPEG, PNG or WebP/, () => t('photos.refused.type')],
  [/(\d+)×(\d+) pixels, more than the limit of (\d+)/, (m) => t('photos.refused.pixels', { width: m[1] ?? '', height: m[2] ?? '', limit: megapixels(m[3] ?? '0') })],
  [/corrupt|truncated|no dimensions/, () => t('photos.refused.corrupt')],
  [/storage quota/, () => t('photos.refused.quota')],
  [/already has (\d+) images/, (m) => t('photos.refused.full', { limit: formatNumber(Number(m[1])) })],
  [/file name/, () => t('photos.refused.name')],
];

export function refusalWords(reason: string): string {
  for (const [pattern, words] of RULES) {
    const match = pattern.exec(reason);
    if (match) return words(match);
  }
  return reason;
}
