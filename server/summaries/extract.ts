// The extractive summary: sentences from the transcript and the minutes, sorted into decisions,
// action items (who, what, by when), open questions and key points. Every item keeps the
// sentences it came from as citations; a sentence saying the same thing again (the minutes
// restating a decision, say) joins the item's citations instead of making a second item.
import type { ActionItem, Citation, SummaryContent, SummaryItem } from '../../shared/protocol/intelligence.js';
import { hasHangul, similarity, termCounts } from '../search/ngrams.js';
import { actionCue, isDecision, isQuestion, selfReferences } from './cues.js';

export interface SourceSegment {
  id: number;
  speaker_id: number | null;
  speaker_name: string | null;
  start_ms: number;
  end_ms: number;
  text: string;
}

export interface Person {
  user_id: number;
  name: string;
  /** Names the person may be called by in speech or notes (username, nickname, first name). */
  aliases: string[];
}

export interface ExtractInput {
  meetingId: number;
  /** The minutes document's name, `meeting.<id>`. */
  doc: string;
  segments: SourceSegment[];
  paragraphs: string[];
  people: Person[];
  keyPoints: number;
  now: Date;
}

interface Sentence {
  text: string;
  /** Time order: transcript sentences by start, then the minutes in reading order. */
  order: number;
  source: { kind: 'segment'; segment: SourceSegment } | { kind: 'paragraph'; index: number };
  grams: Map<string, number>;
}

interface Draft {
  anchor: Sentence;
  sentences: Sentence[];
}

/** Two sentences this similar (n-gram cosine) say the same thing. */
const SAME = 0.45;
/** A decision or commitment this close to an earlier question answers it. */
const ANSWERS = 0.3;
/** A key point says something: five words, or twelve characters of Korean (fewer, longer words). */
const saysSomething = (text: string): boolean => (hasHangul(text) ? text.replace(/\s/g, '').length >= 12 : text.split(/\s+/).length >= 5);

/** The languages of the material: a script counts from a fifth of its letters (template headings are English). */
function languagesOf(texts: string[]): string[] {
  let latin = 0;
  let hangul = 0;
  for (const text of texts) {
    latin += (text.match(/[a-z]/gi) ?? []).length;
    hangul += (text.match(/[\uac00-\ud7af]/gu) ?? []).length;
  }
  const total = latin + hangul;
  if (total === 0) return [];
  return [...(latin / total >= 0.2 ? ['en'] : []), ...(hangul / total >= 0.2 ? ['ko'] : [])];
}

const SPLIT = /(?<=[.!?。？！])\s+|\n+/u;

function sentencesOf(text: string): string[] {
  return text
    .split(SPLIT)
    .map((s) => s.trim())
    .filter((s) => /[\p{L}\p{N}]/u.test(s));
}

function collect(input: ExtractInput): Sentence[] {
  const out: Sentence[] = [];
  const segments = [...input.segments].sort((a, b) => a.start_ms - b.start_ms || a.id - b.id);
  segments.forEach((segment, i) => {
    for (const text of sentencesOf(segment.text)) out.push({ text, order: i, source: { kind: 'segment', segment }, grams: termCounts(text) });
  });
  input.paragraphs.forEach((paragraph, index) => {
    for (const text of sentencesOf(paragraph)) out.push({ text, order: segments.length + index, source: { kind: 'paragraph', index }, grams: termCounts(text) });
  });
  return out;
}

function citationOf(sentence: Sentence, doc: string): Citation {
  const { source } = sentence;
  if (source.kind === 'paragraph') return { kind: 'paragraph', doc, paragraph: source.index, quote: sentence.text };
  const s = source.segment;
  return { kind: 'segment', segment_id: s.id, speaker_id: s.speaker_id, speaker_name: s.speaker_name, start_ms: s.start_ms, end_ms: s.end_ms, quote: sentence.text };
}

function citationsOf(draft: Draft, doc: string): Citation[] {
  const seen = new Set<string>();
  const out: Citation[] = [];
  for (const sentence of draft.sentences) {
    const key = sentence.source.kind === 'segment' ? `s${sentence.source.segment.id}` : `p${sentence.source.index}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(citationOf(sentence, doc));
  }
  return out;
}

/** Adds the sentence to a draft saying the same thing, or starts a new one. */
function gather(drafts: Draft[], sentence: Sentence): Draft {
  const same = drafts.find((d) => similarity(d.anchor.grams, sentence.grams) >= SAME);
  if (same) {
    same.sentences.push(sentence);
    return same;
  }
  const draft = { anchor: sentence, sentences: [sentence] };
  drafts.push(draft);
  return draft;
}

function aliasPattern(alias: string): RegExp {
  const escaped = alias.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // Latin names are whole words; Korean names carry particles (민수가, 민수 님이).
  return /^[\p{Script=Latin}\p{N}_]+$/u.test(alias) ? new RegExp(`\\b${escaped}\\b`, 'giu') : new RegExp(escaped, 'gu');
}

/** Who took the action on: the nearest name or self-reference before the commitment. */
function ownerOf(sentence: Sentence, at: number, people: Person[]): ActionItem['who'] {
  let best: { at: number; who: ActionItem['who'] } | null = null;
  const consider = (position: number, who: ActionItem['who']) => {
    if (position <= at && (!best || position > best.at)) best = { at: position, who };
  };
  for (const person of people) {
    for (const alias of person.aliases) {
      if (alias.length < 2) continue;
      for (const m of sentence.text.matchAll(aliasPattern(alias))) consider(m.index, { user_id: person.user_id, name: person.name });
    }
  }
  const source = sentence.source;
  if (source.kind === 'segment' && source.segment.speaker_id !== null) {
    const speaker = { user_id: source.segment.speaker_id, name: source.segment.speaker_name ?? String(source.segment.speaker_id) };
    for (const position of selfReferences(sentence.text)) consider(position, speaker);
  }
  return (best as { at: number; who: ActionItem['who'] } | null)?.who ?? null;
}

export function extractSummary(input: ExtractInput): SummaryContent {
  const sentences = collect(input);
  const decisions: Draft[] = [];
  const actions: Array<{ draft: Draft; who: ActionItem['who']; what: string; byWhen: string }> = [];
  const actionDrafts: Draft[] = [];
  const questions: Draft[] = [];
  const used = new Set<Sentence>();

  for (const sentence of sentences) {
    const cue = actionCue(sentence.text);
    if (cue) {
      const before = actionDrafts.length;
      const draft = gather(actionDrafts, sentence);
      if (actionDrafts.length > before) actions.push({ draft, who: ownerOf(sentence, cue.at, input.people), what: cue.what, byWhen: cue.byWhen });
      used.add(sentence);
    } else if (isDecision(sentence.text)) {
      gather(decisions, sentence);
      used.add(sentence);
    } else if (isQuestion(sentence.text)) {
      gather(questions, sentence);
      used.add(sentence);
    }
  }

  // A question a later decision or commitment speaks to is answered, not open.
  const settled = [...decisions, ...actionDrafts].flatMap((d) => d.sentences);
  const open = questions.filter((q) => !settled.some((s) => s.order > q.anchor.order && similarity(s.grams, q.anchor.grams) >= ANSWERS));

  // Key points: the sentences most like the rest of the meeting (a central theme), no two alike.
  const rest = sentences.filter((s) => !used.has(s) && saysSomething(s.text));
  const central = rest
    .map((s) => ({ s, score: sentences.reduce((sum, other) => (other === s ? sum : sum + similarity(s.grams, other.grams)), 0) }))
    .sort((a, b) => b.score - a.score);
  const keyDrafts: Draft[] = [];
  for (const { s } of central) {
    if (keyDrafts.length >= input.keyPoints) break;
    if (keyDrafts.some((d) => similarity(d.anchor.grams, s.grams) >= SAME)) continue;
    keyDrafts.push({ anchor: s, sentences: [s] });
  }
  for (const draft of keyDrafts) {
    for (const s of rest) if (s !== draft.anchor && s.source.kind !== draft.anchor.source.kind && similarity(s.grams, draft.anchor.grams) >= SAME) draft.sentences.push(s);
  }
  keyDrafts.sort((a, b) => a.anchor.order - b.anchor.order);

  const item = (draft: Draft): SummaryItem => ({ text: draft.anchor.text, citations: citationsOf(draft, input.doc), related: [] });
  return {
    meeting_id: input.meetingId,
    generated_at: input.now.toISOString(),
    languages: languagesOf(sentences.map((s) => s.text)),
    key_points: keyDrafts.map(item),
    decisions: decisions.map(item),
    open_questions: open.map(item),
    action_items: actions.map(({ draft, who, what, byWhen }) => ({ ...item(draft), who, what, by_when: byWhen || null })),
  };
}
