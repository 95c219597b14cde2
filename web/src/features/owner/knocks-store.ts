// The knocks waiting for this person across the clubs they own or moderate, kept live: the
// server sends them on every connect (membership:pending), each new one as it comes
// (membership:requested), and each decision or withdrawal as a club event. The header badge and
// the manage tab read the same list, so a decision made in one disappears from both.
import { computed, signal } from '@preact/signals';
import { clubResponseSchema, type KnockDecision, type KnockResponse } from '../../../../shared/protocol/clubs.js';
import { get } from '../../api/http.js';
import { call, getSocket } from '../../api/socket.js';
import { session } from '../../api/session.js';

const byId = signal<ReadonlyMap<number, KnockResponse>>(new Map());

/** Oldest first: the person who waited longest is answered first. */
export const waitingKnocks = computed(() => [...byId.value.values()].sort((a, b) => a.id - b.id));
/** Club titles for the knocks' clubs, filled as knocks arrive. */
export const clubTitles = signal<ReadonlyMap<number, string>>(new Map());
/** Grows with every new knock (not with the ones a reconnect hands back), for the sound. */
export const knockArrivals = signal(0);

function update(change: (next: Map<number, KnockResponse>) => void): void {
  const next = new Map(byId.value);
  change(next);
  byId.value = next;
}

/** Replaces what is known of one club's waiting knocks (a pending list or a REST page). */
export function setClubKnocks(clubId: number, knocks: KnockResponse[]): void {
  update((next) => {
    for (const [id, knock] of next) if (knock.club_id === clubId) next.delete(id);
    for (const knock of knocks) if (knock.status === 'pending') next.set(knock.id, knock);
  });
  for (const knock of knocks) learnTitle(knock.club_id);
}

/** Drops a knock from the list (answered elsewhere, or withdrawn). */
export function forgetKnock(knockId: number): void {
  if (byId.value.has(knockId)) update((next) => next.delete(knockId));
}

function forgetClub(clubId: number): void {
  update((next) => {
    for (const [id, knock] of next) if (knock.club_id === clubId) next.delete(id);
  });
}

const asking = new Set<number>();
function learnTitle(clubId: number): void {
  if (clubTitles.value.has(clubId) || asking.has(clubId)) return;
  asking.add(clubId);
  get(`/api/clubs/${clubId}`, clubResponseSchema).then(
    (club) => {
      clubTitles.value = new Map(clubTitles.value).set(clubId, club.title);
    },
    () => asking.delete(clubId),
  );
}

/** Answers a knock; it leaves the list at once (the club event that follows changes nothing). */
export async function decideKnock(knock: KnockResponse, decision: KnockDecision): Promise<KnockResponse> {
  const { knock: decided } = await call('membership:decide', { club_id: knock.club_id, knock_id: knock.id, decision });
  forgetKnock(knock.id);
  return decided;
}

let started = false;
/** Starts following knocks on the tab's socket (once; the socket outlives every screen). */
export function followKnocks(): void {
  if (started || !session.value) return;
  started = true;
  const socket = getSocket();
  // Every connect hands back the whole waiting list; what was decided meanwhile must go.
  socket.on('connect', () => {
    byId.value = new Map();
  });
  socket.on('membership:pending', ({ club_id, knocks }) => setClubKnocks(club_id, knocks));
  socket.on('membership:requested', ({ knock }) => {
    if (knock.status !== 'pending') return;
    update((next) => next.set(knock.id, knock));
    learnTitle(knock.club_id);
    knockArrivals.value += 1;
  });
  socket.on('club:event', ({ event }) => {
    if (event.type === 'membership.decided') forgetKnock(event.knock.id);
    if (event.type === 'membership.withdrawn') forgetKnock(event.knock_id);
  });
  // No longer a moderator there: those knocks are not ours to answer.
  socket.on('member:removed', ({ club_id }) => forgetClub(club_id));
  socket.on('member:role_changed', ({ club_id, role }) => {
    if (role !== 'owner' && role !== 'moderator') forgetClub(club_id);
  });
}

session.subscribe((current) => {
  if (current) return;
  // The socket is closed and dropped on logout; the next login follows the new one.
  started = false;
  byId.value = new Map();
  clubTitles.value = new Map();
  asking.clear();
});
