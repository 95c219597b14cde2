// Talk time for those who run the meeting: each member's share as a bar, and the same in words.
import { useEffect } from 'preact/hooks';
import { participationSchema, type Participation } from '../../../../../shared/protocol/intelligence.js';
import { get } from '../../../api/http.js';
import { connectCount, getSocket } from '../../../api/socket.js';
import { t, tn } from '../../../i18n/index.js';
import { ErrorMessage, Loading } from '../../../ui/status.js';
import { useResource } from '../../../ui/use-resource.js';
import { learnNames } from './names.js';
import { clockOf } from './transcript-lines.js';

export function TalkTime({ meetingId, clubId }: { meetingId: number; clubId: number }) {
  const reconnects = connectCount.value;
  const data = useResource((signal) => get(`/api/meetings/${meetingId}/participation`, participationSchema, { signal }), [meetingId, reconnects]);
  const { set } = data;

  useEffect(() => {
    const socket = getSocket();
    const onParticipation = (payload: { club_id: number } & Participation) => {
      if (payload.club_id !== clubId || payload.meeting_id !== meetingId) return;
      set({ meeting_id: payload.meeting_id, total_talk_ms: payload.total_talk_ms, members: payload.members });
    };
    socket.on('meeting:participation', onParticipation);
    return () => {
      socket.off('meeting:participation', onParticipation);
    };
  }, [meetingId, clubId, set]);

  useEffect(() => {
    if (data.data) learnNames(data.data.members.map((m) => [m.user_id, m.name] as const));
  }, [data.data]);

  if (data.error && !data.data) return <ErrorMessage error={data.error} onRetry={data.reload} />;
  if (!data.data) return <Loading label={t('meeting.talk.loading')} />;
  const members = [...data.data.members].sort((a, b) => b.talk_ms - a.talk_ms);
  return (
    <section class="talk-time" aria-labelledby={`talk-${meetingId}`}>
      <h3 id={`talk-${meetingId}`}>{t('meeting.talk.title')}</h3>
      <p class="muted small">{t('meeting.talk.hint')}</p>
      {members.length === 0 ? (
        <p class="muted">{t('meeting.talk.empty')}</p>
      ) : (
        <ul class="talk-list">
          {members.map((m) => {
            const percent = Math.round(m.share * 100);
            return (
              <li key={m.user_id} class="talk-row">
                <div class="talk-words">
                  <span class="talk-name">{m.name}</span>
                  <span class="talk-figure">{t('meeting.talk.share', { percent })}</span>
                </div>
                <div class="talk-bar" aria-hidden="true">
                  <span class="talk-fill" style={{ width: `${Math.max(percent, m.talk_ms > 0 ? 2 : 0)}%` }} />
                </div>
                <span class="muted small">{t('meeting.talk.detail', { time: clockOf(m.talk_ms), turns: tn('meeting.talk.turns', m.turns) })}</span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
