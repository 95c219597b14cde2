// Notes documents as Markdown or plain text: the title, the rich-text body (headings,
// paragraphs, lists, quotes, code, bold/italic/code/strike/links), then the transcript and
// the questions.
import type * as Y from 'yjs';
import { readBlocks, readMeta, readQuestions, readTranscript, type Block, type Inline, type Marks } from '../../shared/notes-schema.js';

export type ExportFormat = 'md' | 'txt';

/** Display names of speakers and askers, by user id. */
export type NameOf = (userId: number | null) => string;

// Characters that would otherwise start emphasis, code, links or HTML.
const escapeInline = (value: string) => value.replace(/([\\`*_[\]<>~])/g, '\\$1');
// What would turn a paragraph's first characters into a heading, quote, list or rule.
function escapeLineStart(line: string): string {
  const numbered = /^(\s*\d+)([.)])(\s|$)/.exec(line);
  if (numbered) return `${numbered[1]}\\${line.slice((numbered[1] as string).length)}`;
  return line.replace(/^(\s*)(#{1,6}(?=\s|$)|>|[-+](?=\s|$)|-(?=-{2,}\s*$))/, '$1\\$2');
}

function wrap(value: string, marks: Marks | undefined): string {
  if (!marks) return escapeInline(value);
  if (marks.code) {
    const fence = value.includes('`') ? '``' : '`';
    return `${fence}${value.includes('`') ? ` ${value} ` : value}${fence}`;
  }
  // Emphasis markers must touch the text: keep surrounding spaces outside them.
  const [, lead = '', core = '', trail = ''] = /^(\s*)(.*?)(\s*)$/s.exec(value) ?? [];
  if (!core) return value;
  let out = escapeInline(core);
  if (marks.em) out = `*${out}*`;
  if (marks.strong) out = `**${out}**`;
  if (marks.strike) out = `~~${out}~~`;
  if (marks.link) out = `[${out}](${marks.link.href.replace(/[()\s]/g, encodeURIComponent)})`;
  return `${lead}${out}${trail}`;
}

function inline(content: Inline[], format: ExportFormat): string {
  const out = content.map((piece) => ('break' in piece ? (format === 'md' ? '\\\n' : '\n') : format === 'md' ? wrap(piece.text, piece.marks) : piece.text)).join('');
  return format === 'md' ? out.split('\n').map(escapeLineStart).join('\n') : out;
}

const indent = (textValue: string, prefix: string, rest = ' '.repeat(prefix.length)) =>
  textValue
    .split('\n')
    .map((line, i) => (i === 0 ? prefix + line : line ? rest + line : line))
    .join('\n');

function block(b: Block, format: ExportFormat): string {
  switch (b.type) {
    case 'paragraph':
      return inline(b.content, format);
    case 'heading':
      return format === 'md' ? `${'#'.repeat(b.level)} ${inline(b.content, format)}` : inline(b.content, format).toUpperCase();
    case 'blockquote': {
      const body = blocks(b.content, format);
      return body
        .split('\n')
        .map((line) => (line ? `> ${line}` : '>'))
        .join('\n');
    }
    case 'bullet_list':
      return b.items.map((item) => indent(blocks(item, format), '- ')).join('\n');
    case 'ordered_list': {
      const start = b.start ?? 1;
      return b.items.map((item, i) => indent(blocks(item, format), `${start + i}. `)).join('\n');
    }
    case 'code_block': {
      if (format === 'txt') return b.text;
      const fence = b.text.includes('```') ? '~~~~' : '```';
      return `${fence}${b.language ?? ''}\n${b.text}\n${fence}`;
    }
    case 'horizontal_rule':
      return format === 'md' ? '---' : '----------';
  }
}

const blocks = (list: Block[], format: ExportFormat) =>
  list
    .map((b) => block(b, format))
    .filter((s, i, all) => s !== '' || (i > 0 && all[i - 1] !== '')) // no runs of empty paragraphs
    .join('\n\n')
    .replace(/\n{3,}/g, '\n\n');

function timestamp(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = String(Math.floor((seconds % 3600) / 60)).padStart(2, '0');
  const s = String(seconds % 60).padStart(2, '0');
  return h > 0 ? `${h}:${m}:${s}` : `${m}:${s}`;
}

/** The whole document, ending with one newline. */
export function exportNotes(doc: Y.Doc, format: ExportFormat, nameOf: NameOf): string {
  const md = format === 'md';
  const sections: string[] = [];
  const { title } = readMeta(doc);
  if (typeof title === 'string' && title) sections.push(md ? `# ${escapeInline(title)}` : title);
  const body = blocks(readBlocks(doc), format).trim();
  if (body) sections.push(body);
  const transcript = readTranscript(doc);
  if (transcript.length > 0) {
    const lines = transcript.map((s) => {
      const who = nameOf(s.speaker_id);
      return md ? `**[${timestamp(s.start_ms)}] ${escapeInline(who)}:** ${escapeInline(s.text)}` : `[${timestamp(s.start_ms)}] ${who}: ${s.text}`;
    });
    sections.push(`${md ? '## Transcript' : 'TRANSCRIPT'}\n\n${lines.join(md ? '\n\n' : '\n')}`);
  }
  const questions = readQuestions(doc);
  if (questions.length > 0) {
    const lines = questions.map((q) => (md ? `- [${q.status === 'answered' ? 'x' : ' '}] ${escapeInline(q.text)}` : `- ${q.text}${q.status === 'answered' ? ' (answered)' : ''}`));
    sections.push(`${md ? '## Questions' : 'QUESTIONS'}\n\n${lines.join('\n')}`);
  }
  return `${sections.join('\n\n')}\n`;
}
