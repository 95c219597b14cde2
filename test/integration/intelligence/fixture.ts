// Fixture meetings whose summaries the tests argue item by item: an English one and a Korean
// one, each with transcript segments (speaker, time) and minutes paragraphs.

/** Speakers by role in the fixture; the test maps them to real accounts. */
export type Speaker = 'owner' | 'moderator' | 'member';

export interface FixtureSegment {
  speaker: Speaker;
  start_ms: number;
  end_ms: number;
  text: string;
}

export interface FixtureMeeting {
  title: string;
  segments: FixtureSegment[];
  /** Written into the minutes under the template's headings. */
  minutes: string[];
}

/** `{member}` in a text stands for the member's username. */
export const englishMeeting: FixtureMeeting = {
  title: 'The Left Hand of Darkness, part one',
  segments: [
    { speaker: 'owner', start_ms: 0, end_ms: 6_500, text: 'Welcome back everyone. Tonight we talk about the first five chapters of The Left Hand of Darkness.' },
    { speaker: 'moderator', start_ms: 7_000, end_ms: 15_000, text: 'The winter planet Gethen shapes everything, the cold and the politics of Karhide feel like one and the same thing.' },
    { speaker: 'member', start_ms: 15_500, end_ms: 21_000, text: 'Should we read the sequel stories next month?' },
    { speaker: 'owner', start_ms: 21_500, end_ms: 27_000, text: 'We decided to read the sequel stories next month, after the novel.' },
    { speaker: 'moderator', start_ms: 27_500, end_ms: 34_000, text: 'Why does Estraven trust Genly Ai so early in the story?' },
    { speaker: 'member', start_ms: 34_500, end_ms: 41_000, text: 'I will write the chapter summaries by Friday. The politics of Karhide and the cold of Gethen deserve a whole page.' },
    { speaker: 'owner', start_ms: 41_500, end_ms: 47_000, text: '{member} will also bring the map of Gethen by next Tuesday.' },
  ],
  minutes: [
    'Decision: read the sequel stories next month, after the novel.',
    'Gethen and its cold shape the politics of Karhide and Orgoreyn.',
  ],
};

export const koreanMeeting: FixtureMeeting = {
  title: '채식주의자 1부',
  segments: [
    { speaker: 'owner', start_ms: 0, end_ms: 5_000, text: '오늘은 채식주의자 1부에 대해 이야기하겠습니다.' },
    { speaker: 'moderator', start_ms: 5_500, end_ms: 12_000, text: '영혜의 침묵이 가족 모두를 흔들어 놓는 장면이 인상적이었어요.' },
    { speaker: 'member', start_ms: 12_500, end_ms: 17_000, text: '다음 모임은 온라인으로 할까요?' },
    { speaker: 'owner', start_ms: 17_500, end_ms: 23_000, text: '다음 모임은 온라인으로 하기로 결정했습니다.' },
    { speaker: 'moderator', start_ms: 23_500, end_ms: 29_000, text: '작가는 왜 영혜의 시점을 한 번도 보여주지 않았을까요?' },
    { speaker: 'member', start_ms: 29_500, end_ms: 35_000, text: '제가 다음 주 금요일까지 2부 발제문을 준비하겠습니다.' },
  ],
  minutes: ['결정: 다음 모임은 온라인으로 한다.', '영혜의 침묵과 가족의 반응이 1부의 중심이다.'],
};
