// The shape of every notes document (a Y.Doc), fixed once for the server, the web editor and
// exports. Top-level types, by name:
//
//   body       Y.XmlFragment  rich text the editor binds to (y-prosemirror / Tiptap). Block
//                             nodes: paragraph, heading {level}, blockquote, bullet_list,
//                             ordered_list {start}, list_item, code_block {language},
//                             horizontal_rule; inline: hard_break. Marks are formatting
//                             attributes on the text: strong, em, code, strike, link {href}.
//   transcript Y.Array<TranscriptSegment>  what was said, appended as speech is recognised
//   meta       Y.Map          title, club_id, meeting_id, book, chapters, created_at, schema
//   questions  Y.Array<Y.Map> questions {id, text, status, asked_by, source}; in a club
//                             notebook the open ones are carried into the next meeting
//   agenda     Y.Array<string> a club notebook's standing agenda, copied into new meetings
//   summary    Y.Map          a meeting's generated summary: `content` (SummaryContent, plain
//                             JSON, replaced whole on each generation) and `generated_at`
//
// `club.<id>` is a club's notebook, `meeting.<id>` the minutes of one meeting; both use it.
// Helpers here are pure (a Y.Doc in, plain data out, or the reverse).
import * as Y from 'yjs';
import type { SummaryContent } from './protocol/intelligence.js';

export const NOTES_SCHEMA_VERSION = 1;

export const NOTES_FIELDS = {
  body: 'body',
  transcript: 'transcript',
  meta: 'meta',
  questions: 'questions',
  agenda: 'agenda',
  summary: 'summary',
} as const;

export interface BookRef {
  id: number;
  title: string;
  author: string;
}

export interface NotesMeta {
  title?: string;
  club_id?: number;
  meeting_id?: number;
  book?: BookRef | null;
  chapters?: string | null;
  /** ISO 8601. */
  created_at?: string;
  schema?: number;
}

export interface TranscriptSegment {
  id: string;
  /** The speaker's user id; null when the speaker is not known. */
  speaker_id: number | null;
  start_ms: number;
  end_ms: number;
  text: string;
}

export type QuestionStatus = 'open' | 'answered';

export interface Question {
  id: string;
  text: string;
  status: QuestionStatus;
  asked_by: number | null;
  /** The document it was carried over from (e.g. `club.7`), if any. */
  source?: string | null;
}

export interface Marks {
  strong?: boolean;
  em?: boolean;
  code?: boolean;
  strike?: boolean;
  link?: { href: string };
}

export type Inline = { text: string; marks?: Marks } | { break: true };

export type Block =
  | { type: 'paragraph'; content: Inline[] }
  | { type: 'heading'; level: number; content: Inline[] }
  | { type: 'blockquote'; content: Block[] }
  | { type: 'bullet_list'; items: Block[][] }
  | { type: 'ordered_list'; items: Block[][]; start?: number }
  | { type: 'code_block'; text: string; language?: string | null }
  | { type: 'horizontal_rule' };

// Tiptap names the same nodes and marks in camelCase; reading accepts both.
const NODE_ALIASES: Record<string, string> = {
  bulletList: 'bullet_list',
  orderedList: 'ordered_list',
  listItem: 'list_item',
  codeBlock: 'code_block',
  horizontalRule: 'horizontal_rule',
  hardBreak: 'hard_break',
};
const MARK_ALIASES: Record<string, keyof Marks> = { bold: 'strong', italic: 'em', strong: 'strong', em: 'em', code: 'code', strike: 'strike', link: 'link' };

export const bodyOf = (doc: Y.Doc): Y.XmlFragment => doc.getXmlFragment(NOTES_FIELDS.body);
export const transcriptOf = (doc: Y.Doc): Y.Array<TranscriptSegment> => doc.getArray<TranscriptSegment>(NOTES_FIELDS.transcript);
export const metaOf = (doc: Y.Doc): Y.Map<unknown> => doc.getMap(NOTES_FIELDS.meta);
export const questionsOf = (doc: Y.Doc): Y.Array<Y.Map<unknown>> => doc.getArray<Y.Map<unknown>>(NOTES_FIELDS.questions);
export const agendaOf = (doc: Y.Doc): Y.Array<string> => doc.getArray<string>(NOTES_FIELDS.agenda);
export const summaryOf = (doc: Y.Doc): Y.Map<unknown> => doc.getMap(NOTES_FIELDS.summary);

// ---- building ----

export const text = (value: string, marks?: Marks): Inline => (marks ? { text: value, marks } : { text: value });
export const paragraph = (...content: Inline[]): Block => ({ type: 'paragraph', content });
export const heading = (level: number, ...content: Inline[]): Block => ({ type: 'heading', level, content });
export const bulletList = (items: Block[][]): Block => ({ type: 'bullet_list', items });

function marksToAttributes(marks: Marks | undefined): Record<string, unknown> | undefined {
  if (!marks) return undefined;
  const attributes: Record<string, unknown> = {};
  // y-prosemirror keeps each mark as name → the mark's attrs.
  for (const name of ['strong', 'em', 'code', 'strike'] as const) if (marks[name]) attributes[name] = {};
  if (marks.link) attributes.link = { href: marks.link.href };
  return Object.keys(attributes).length > 0 ? attributes : undefined;
}

function inlineToY(content: Inline[]): Array<Y.XmlText | Y.XmlElement> {
  const nodes: Array<Y.XmlText | Y.XmlElement> = [];
  let run: Y.XmlText | null = null;
  let runLength = 0; // a type not yet in a document must not be read, so count here
  for (const piece of content) {
    if ('break' in piece) {
      nodes.push(new Y.XmlElement('hard_break'));
      run = null;
      continue;
    }
    if (!piece.text) continue;
    if (!run) {
      run = new Y.XmlText();
      runLength = 0;
      nodes.push(run);
    }
    // Always an object: without one, Yjs lets the text inherit the marks before it.
    run.insert(runLength, piece.text, marksToAttributes(piece.marks) ?? {});
    runLength += piece.text.length;
  }
  return nodes;
}

function element(name: string, children: Array<Y.XmlText | Y.XmlElement>, attributes: Record<string, string | number> = {}): Y.XmlElement {
  const node = new Y.XmlElement(name);
  // Attributes and children may be set before integration; Yjs keeps them as prelim content.
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value as string);
  node.insert(0, children);
  return node;
}

function blockToY(block: Block): Y.XmlElement {
  switch (block.type) {
    case 'paragraph':
      return element('paragraph', inlineToY(block.content));
    case 'heading':
      return element('heading', inlineToY(block.content), { level: block.level });
    case 'blockquote':
      return element('blockquote', block.content.map(blockToY));
    case 'bullet_list':
    case 'ordered_list':
      return element(
        block.type,
        block.items.map((item) => element('list_item', item.map(blockToY))),
        block.type === 'ordered_list' && block.start !== undefined ? { start: block.start } : {},
      );
    case 'code_block': {
      const code = new Y.XmlText();
      code.insert(0, block.text);
      return element('code_block', [code], block.language ? { language: block.language } : {});
    }
    case 'horizontal_rule':
      return element('horizontal_rule', []);
  }
}

/** Appends blocks at the end of the body (in the caller's transaction, if any). */
export function appendBlocks(doc: Y.Doc, blocks: Block[]): void {
  const body = bodyOf(doc);
  body.insert(body.length, blocks.map(blockToY));
}

export function setMeta(doc: Y.Doc, meta: NotesMeta): void {
  const map = metaOf(doc);
  for (const [key, value] of Object.entries(meta)) if (value !== undefined) map.set(key, value);
}

export function appendTranscript(doc: Y.Doc, segments: TranscriptSegment[]): void {
  const transcript = transcriptOf(doc);
  transcript.push(segments.map((s) => ({ ...s })));
}

export function addQuestions(doc: Y.Doc, questions: Question[]): void {
  questionsOf(doc).push(
    questions.map((q) => {
      const map = new Y.Map<unknown>();
      for (const [key, value] of Object.entries(q)) if (value !== undefined) map.set(key, value);
      return map;
    }),
  );
}

/** Replaces the summary part with a newly generated summary. */
export function writeSummary(doc: Y.Doc, content: SummaryContent): void {
  doc.transact(() => {
    const map = summaryOf(doc);
    map.set('content', JSON.parse(JSON.stringify(content)) as unknown);
    map.set('generated_at', content.generated_at);
  });
}

/** Empties the summary part (the transcript it was built from is gone). */
export function clearSummary(doc: Y.Doc): void {
  const map = summaryOf(doc);
  doc.transact(() => {
    for (const key of [...map.keys()]) map.delete(key);
  });
}

// ---- reading ----

/** The summary part's content, or null when none was written (shape not checked here). */
export function readSummary(doc: Y.Doc): unknown {
  return summaryOf(doc).get('content') ?? null;
}

export function readMeta(doc: Y.Doc): NotesMeta {
  return metaOf(doc).toJSON();
}

export function readTranscript(doc: Y.Doc): TranscriptSegment[] {
  return transcriptOf(doc)
    .toArray()
    .filter((s): s is TranscriptSegment => typeof s === 'object' && s !== null && typeof s.text === 'string')
    .sort((a, b) => a.start_ms - b.start_ms);
}

/** A stored id as text: strings and numbers as they are, anything else as empty. */
function stringOf(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

export function readQuestions(doc: Y.Doc): Question[] {
  const out: Question[] = [];
  for (const item of questionsOf(doc).toArray()) {
    if (!(item instanceof Y.Map)) continue;
    const textValue = item.get('text');
    if (typeof textValue !== 'string' || textValue.trim() === '') continue;
    const askedBy = item.get('asked_by');
    const source = item.get('source');
    out.push({
      id: stringOf(item.get('id')),
      text: textValue,
      status: item.get('status') === 'answered' ? 'answered' : 'open',
      asked_by: typeof askedBy === 'number' ? askedBy : null,
      source: typeof source === 'string' ? source : null,
    });
  }
  return out;
}

export function readAgenda(doc: Y.Doc): string[] {
  return agendaOf(doc)
    .toArray()
    .filter((item): item is string => typeof item === 'string' && item.trim() !== '');
}

function marksFromAttributes(attributes: Record<string, unknown> | undefined): Marks | undefined {
  if (!attributes) return undefined;
  const marks: Marks = {};
  for (const [name, value] of Object.entries(attributes)) {
    const mark = MARK_ALIASES[name];
    if (!mark || value === null || value === undefined || value === false) continue;
    if (mark === 'link') {
      const href = (value as { href?: unknown }).href;
      if (typeof href === 'string') marks.link = { href };
    } else marks[mark] = true;
  }
  return Object.keys(marks).length > 0 ? marks : undefined;
}

interface DeltaOp {
  insert?: string | object;
  attributes?: Record<string, unknown>;
}

function readInline(nodes: Array<Y.XmlElement | Y.XmlText | Y.XmlHook>): Inline[] {
  const out: Inline[] = [];
  for (const node of nodes) {
    if (node instanceof Y.XmlText) {
      for (const op of node.toDelta() as DeltaOp[]) {
        if (typeof op.insert !== 'string') continue;
        const marks = marksFromAttributes(op.attributes);
        out.push(marks ? { text: op.insert, marks } : { text: op.insert });
      }
    } else if (node instanceof Y.XmlElement && nodeName(node) === 'hard_break') {
      out.push({ break: true });
    } else if (node instanceof Y.XmlElement) {
      out.push(...readInline(node.toArray())); // an unknown inline node: keep its text
    }
  }
  return out;
}

const nodeName = (node: Y.XmlElement): string => NODE_ALIASES[node.nodeName] ?? node.nodeName;

function readBlock(node: Y.XmlElement | Y.XmlText | Y.XmlHook): Block[] {
  if (node instanceof Y.XmlText) return [{ type: 'paragraph', content: readInline([node]) }];
  if (!(node instanceof Y.XmlElement)) return [];
  const children = node.toArray();
  switch (nodeName(node)) {
    case 'paragraph':
      return [{ type: 'paragraph', content: readInline(children) }];
    case 'heading': {
      const level = Number(node.getAttribute('level'));
      return [{ type: 'heading', level: Number.isInteger(level) && level >= 1 && level <= 6 ? level : 1, content: readInline(children) }];
    }
    case 'blockquote':
      return [{ type: 'blockquote', content: children.flatMap(readBlock) }];
    case 'bullet_list':
      return [{ type: 'bullet_list', items: children.map(readListItem) }];
    case 'ordered_list': {
      const start = Number(node.getAttribute('start'));
      return [{ type: 'ordered_list', items: children.map(readListItem), ...(Number.isInteger(start) && start > 0 ? { start } : {}) }];
    }
    case 'code_block': {
      const language = node.getAttribute('language');
      return [{ type: 'code_block', text: children.map((c) => (c instanceof Y.XmlText ? (c.toString() as string) : '')).join(''), language: typeof language === 'string' ? language : null }];
    }
    case 'horizontal_rule':
      return [{ type: 'horizontal_rule' }];
    default:
      // Unknown blocks (an editor extension) keep their content.
      return children.some((c) => c instanceof Y.XmlElement && !['hard_break', 'hardBreak'].includes(c.nodeName))
        ? children.flatMap(readBlock)
        : [{ type: 'paragraph', content: readInline(children) }];
  }
}

function readListItem(node: Y.XmlElement | Y.XmlText | Y.XmlHook): Block[] {
  if (node instanceof Y.XmlElement && nodeName(node) === 'list_item') return node.toArray().flatMap(readBlock);
  return readBlock(node);
}

/** The body as plain blocks. */
export function readBlocks(doc: Y.Doc): Block[] {
  return bodyOf(doc).toArray().flatMap(readBlock);
}

function inlineText(content: Inline[]): string {
  return content.map((piece) => ('break' in piece ? '\n' : piece.text)).join('');
}

function collectParagraphs(block: Block, out: string[]): void {
  switch (block.type) {
    case 'paragraph':
    case 'heading':
      out.push(inlineText(block.content));
      return;
    case 'code_block':
      out.push(block.text);
      return;
    case 'blockquote':
      for (const inner of block.content) collectParagraphs(inner, out);
      return;
    case 'bullet_list':
    case 'ordered_list':
      for (const item of block.items) for (const inner of item) collectParagraphs(inner, out);
      return;
    case 'horizontal_rule':
      return;
  }
}

/**
 * The body's text blocks (paragraphs, headings, list items' paragraphs, code) in document
 * order, as plain text: summaries cite the minutes by position in this list.
 */
export function readParagraphs(doc: Y.Doc): string[] {
  const out: string[] = [];
  for (const block of readBlocks(doc)) collectParagraphs(block, out);
  return out;
}
