// Cue phrases that mark a sentence as a decision, a question or a commitment, in English and
// Korean. Extractive on purpose: no model on these machines can write prose, and a sentence
// somebody actually said or wrote can always be cited.

export const QUESTION = /[?？]\s*["'”’)]*\s*$|까요[.!。]?\s*$/u;

const DECISION_EN = /\b(?:we|we've|we have|the group|everyone|all of us)\b[^.?!]{0,30}?\b(?:decided|agreed|settled on|chose)\b|\b(?:decided|agreed)\s+(?:to|that|on)\b|\bdecision\b/i;
const DECISION_KO = /하기로|결정/u;

export function isDecision(sentence: string): boolean {
  return DECISION_EN.test(sentence) || DECISION_KO.test(sentence);
}

export function isQuestion(sentence: string): boolean {
  return QUESTION.test(sentence);
}

const WHEN_EN =
  '(?:the\\s+)?(?:end\\s+of\\s+)?(?:(?:next|this|the)\\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|tonight|weekend|week|month|' +
  '(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\\.?\\s+\\d{1,2}(?:st|nd|rd|th)?|' +
  '\\d{4}-\\d{2}-\\d{2}|\\d{1,2}/\\d{1,2})(?:\\s+(?:week|month|meeting))?';
const COMMIT_EN = /\bwill\b|'ll\b|\b(?:is|are|am)\s+going\s+to\b/i;
const ACTION_EN = new RegExp(`(\\bwill\\b|'ll\\b|\\b(?:is|are|am)\\s+going\\s+to\\b)\\s*(.*?)\\s+\\b(?:by|before)\\s+(${WHEN_EN})\\b`, 'i');
// "다음 주 금요일까지": up to two time words before the day, then 까지.
const BY_KO = /((?:(?:다음|이번|오는)\s*(?:주|달)\s+)?[^\s,.]+?)까지/u;
const COMMIT_KO = /기로|겠|할게|줄게|올게|게요|주세요|합시다|하자|해\s*오|읽어\s*오/u;

export interface ActionCue {
  /** Where the commitment is stated: a subject is looked for before it. */
  at: number;
  what: string;
  byWhen: string;
}

const trimEnd = (text: string): string => text.replace(/[\s.!?。,]+$/u, '').trim();

/** A commitment with a deadline ("Dana will … by Friday", "금요일까지 …하기로"), or null. */
export function actionCue(sentence: string): ActionCue | null {
  const en = ACTION_EN.exec(sentence);
  if (en && COMMIT_EN.test(sentence)) return { at: en.index, what: trimEnd(en[2] ?? '') || trimEnd(sentence), byWhen: trimEnd(en[3] ?? '') };
  const ko = BY_KO.exec(sentence);
  if (ko && COMMIT_KO.test(sentence.slice(ko.index))) {
    const rest = trimEnd(sentence.slice(ko.index + ko[0].length));
    return { at: ko.index, what: rest || trimEnd(sentence), byWhen: ko[1]!.trim() };
  }
  return null;
}

// "I will", "I'll", "제가", "저는": the speaker commits themself.
const SELF = /\b(?:i|i'll|i'm|i am)\b|제가|저는|내가/giu;

/** Every place in the sentence where the speaker names themself. */
export function selfReferences(sentence: string): number[] {
  return [...sentence.matchAll(SELF)].map((m) => m.index);
}
