// A transcript as WebVTT, SRT or Markdown, with speaker names. Segments without text (no
// recogniser ran) have no caption to show; Markdown still says who spoke when.
import type { TranscriptSegmentResponse } from '../../shared/protocol/intelligence.js';

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/** HH:MM:SS plus milliseconds after `separator` ('.' for WebVTT, ',' for SRT). */
export function timestamp(ms: number, separator: '.' | ','): string {
  const total = Math.max(0, Math.floor(ms));
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor(total / 60_000) % 60;
  const seconds = Math.floor(total / 1000) % 60;
  return `${pad(hours)}:${pad(minutes)}:${pad(seconds)}${separator}${pad(total % 1000, 3)}`;
}

const speakerOf = (s: TranscriptSegmentResponse): string => s.speaker_name ?? 'Unknown speaker';
// A caption is one block: blank lines would end it early.
const oneBlock = (text: string): string => text.replace(/\s*\n\s*/g, ' ').trim();

const escapeVtt = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function toWebVtt(segments: TranscriptSegmentResponse[]): string {
  const cues = segments
    .filter((s) => s.text.trim() !== '')
    .map((s) => `${timestamp(s.start_ms, '.')} --> ${timestamp(s.end_ms, '.')}\n<v ${escapeVtt(speakerOf(s))}>${escapeVtt(oneBlock(s.text))}`);
  return `WEBVTT\n\n${cues.join('\n\n')}${cues.length > 0 ? '\n' : ''}`;
}

export function toSrt(segments: TranscriptSegmentResponse[]): string {
  return segments
    .filter((s) => s.text.trim() !== '')
    .map((s, i) => `${i + 1}\n${timestamp(s.start_ms, ',')} --> ${timestamp(s.end_ms, ',')}\n${oneBlock(`${speakerOf(s)}: ${s.text}`)}\n`)
    .join('\n');
}

const escapeMarkdown = (text: string): string => text.replace(/([\\`*_[\]<>#|])/g, '\\$1');

export function toMarkdown(title: string, segments: TranscriptSegmentResponse[]): string {
  const lines = segments.map((s) => {
    const said = s.text.trim() === '' ? '_(speech, no text)_' : escapeMarkdown(oneBlock(s.text));
    return `- **${escapeMarkdown(speakerOf(s))}** [${timestamp(s.start_ms, '.').slice(0, 8)}–${timestamp(s.end_ms, '.').slice(0, 8)}]: ${said}`;
  });
  return `# ${escapeMarkdown(oneBlock(title))}: transcript\n\n${lines.join('\n')}\n`;
}
