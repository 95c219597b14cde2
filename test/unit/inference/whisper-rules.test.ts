// Whisper's logit rules on hand-made logits rows.
import assert from 'node:assert/strict';
import type { WhisperTokens } from '../../../server/inference/asr/whisper/config.js';
import { applyRules, pickGreedy } from '../../../server/inference/asr/whisper/rules.js';

// A small vocabulary in Whisper's order: text 0..9, <|endoftext|> 10, specials 11..14, timestamps 15..114.
const tokens: WhisperTokens = {
  startOfTranscript: 11, endOfText: 10, noTimestamps: 14, timestampBegin: 15, transcribe: 13,
  languages: new Map([['en', 12]]), suppress: [3], beginSuppress: [0, 10],
};
const VOCAB = 115;
const ts = (index: number) => 15 + index;

function pick(scores: Record<number, number>, generated: number[], timestamps = true): number | undefined {
  const logits = new Float32Array(VOCAB).fill(-50); // unlisted tokens are all but impossible
  for (const [id, score] of Object.entries(scores)) logits[Number(id)] = score;
  applyRules(logits, { tokens, generated, timestamps, maxInitialTimestampIndex: 50 });
  return pickGreedy(logits)?.id;
}

describe('Whisper decoding rules', () => {
  it('starts with a timestamp no later than max_initial_timestamp', () => {
    assert.equal(pick({ 5: 30, [ts(80)]: 20, [ts(3)]: 1 }, []), ts(3));
  });

  it('suppresses suppress_tokens always, begin_suppress_tokens at the first step only', () => {
    assert.equal(pick({ 3: 30, 0: 20, 4: 10 }, [], false), 4);
    assert.equal(pick({ 3: 30, 0: 20, 4: 10 }, [4], false), 0);
  });

  it('never emits control tokens (start, language, task, <|notimestamps|>)', () => {
    assert.equal(pick({ 11: 30, 12: 30, 13: 30, 14: 30, 6: 1 }, [ts(0), 5]), 6);
  });

  it('follows a lone opening timestamp with text, and a timestamp pair with text', () => {
    assert.equal(pick({ [ts(9)]: 30, 7: 1 }, [ts(0)]), 7);
    assert.equal(pick({ [ts(9)]: 30, 7: 1 }, [ts(0), 5, ts(4), ts(5)]), 7);
  });

  it('after a closing timestamp allows only a timestamp or the end, never text', () => {
    assert.equal(pick({ 5: 30, 10: 2, [ts(6)]: 1 }, [ts(0), 5, ts(4)]), 10);
    assert.equal(pick({ 5: 30, 10: 1, [ts(6)]: 2 }, [ts(0), 5, ts(4)]), ts(6));
  });

  it('keeps timestamps monotonic: none before the last one, none equal to an opening one', () => {
    // After <|0.08|> text: a timestamp must be later than 0.08 s.
    assert.equal(pick({ [ts(2)]: 30, [ts(4)]: 29, [ts(5)]: 1 }, [ts(4), 5]), ts(5));
    // A closing timestamp may be repeated as the next opening one.
    assert.equal(pick({ [ts(2)]: 30, [ts(5)]: 1, 5: -50 }, [ts(0), 5, ts(5)]), ts(5));
  });

  it('picks a timestamp when all timestamps together outweigh the best text token', () => {
    const spread: Record<number, number> = { 5: 3 };
    for (let i = 10; i < 100; i += 1) spread[ts(i)] = 0.5; // 90 timestamps, each far below the text token
    assert.ok((pick(spread, [ts(0), 5]) as number) >= ts(10));
    assert.equal(pick({ 5: 3, [ts(10)]: 0.5 }, [ts(0), 5]), 5); // control: one weak timestamp does not
  });

  it('suppresses every timestamp without timestamps', () => {
    assert.equal(pick({ [ts(0)]: 30, 8: 1 }, [], false), 8);
  });
});
