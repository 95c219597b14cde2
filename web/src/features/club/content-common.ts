// Small pieces the club's content tabs share: what the viewer may do, names, dates, amounts.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ClubEventEnvelope, ClubResource } from '../../../../shared/protocol/club-events.js';
import type { ClubResponse } from '../../../../shared/protocol/clubs.js';
import { can, type Action } from '../../../../shared/permissions.js';
import { fetchApi } from '../../api/http.js';
import { session } from '../../api/session.js';
import { connectCount, getSocket } from '../../api/socket.js';
import { formatDate, locale } from '../../i18n/index.js';
import { useResource } from '../../ui/use-resource.js';

/** Whether the viewer's role in `club` allows `action` (the server decides; this only hides what would fail). */
export function allowed(club: ClubResponse, action: Action): boolean {
  return can(club.me.role, action, club);
}

/** The signed-in person's id, from the session itself (known before their profile loads). */
export function myId(): number | undefined {
  return session.value?.userId;
}

/** A calendar day ('YYYY-MM-DD') formatted as a date, without the viewer's zone moving it a day. */
export function formatDay(day: string): string {
  return formatDate(`${day}T12:00:00Z`, { dateStyle: 'medium', timeZone: 'UTC' });
}

/** Today as the server counts reading days ('YYYY-MM-DD', UTC). */
export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

/** Dues are kept in minor units (cents): shown with two decimals in the viewer's locale. */
export function formatAmount(minor: number): string {
  return new Intl.NumberFormat(locale.value === 'ko' ? 'ko-KR' : 'en', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(minor / 100);
}

/** A text answer (an export), with the same token handling and errors as the JSON calls. */
export async function getText(path: string, query?: Record<string, string>, signal?: AbortSignal): Promise<string> {
  const response = await fetchApi('get', path, undefined, false, { query, signal });
  return response.text();
}

/** Every page of a paged list, up to `maxPages` (a club's lists are small; the cap keeps a runaway list bounded). */
export async function allPages<T>(load: (cursor: string | undefined) => Promise<{ items: T[]; next_cursor: string | null }>, maxPages = 10): Promise<{ items: T[]; more: boolean }> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const result = await load(cursor);
    items.push(...result.items);
    if (!result.next_cursor) return { items, more: false };
    cursor = result.next_cursor;
  }
  return { items, more: true };
}

/** One action's state: idle, pending, done, or failed with its error. */
export type ActionState = { kind: 'idle' } | { kind: 'pending' } | { kind: 'done' } | { kind: 'failed'; error: unknown };

export function useAction(): [ActionState, (work: () => Promise<void>) => Promise<boolean>] {
  const [state, setState] = useState<ActionState>({ kind: 'idle' });
  const run = async (work: () => Promise<void>): Promise<boolean> => {
    setState({ kind: 'pending' });
    try {
      await work();
      setState({ kind: 'done' });
      return true;
    } catch (error) {
      setState({ kind: 'failed', error });
      return false;
    }
  };
  return [state, run];
}

export interface Paged<T> {
  items: T[] | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
  set: (update: (items: T[]) => T[]) => void;
  hasMore: boolean;
  moreLoading: boolean;
  moreError: unknown;
  loadMore: () => void;
}

/** A cursor-paged list: the first page on load, the next ones on request, appended in order. */
export function usePaged<T>(load: (cursor: string | undefined, signal?: AbortSignal) => Promise<{ items: T[]; next_cursor: string | null }>, deps: unknown[]): Paged<T> {
  const first = useResource(async (signal) => {
    const page = await load(undefined, signal);
    return { items: page.items, next: page.next_cursor };
  }, deps);
  const [more, setMore] = useState<{ loading: boolean; error: unknown }>({ loading: false, error: null });
  const next = first.data?.next ?? null;
  const loadMore = () => {
    if (!next || more.loading) return;
    setMore({ loading: true, error: null });
    load(next).then(
      (page) => {
        first.set((current) => ({ items: [...(current?.items ?? []), ...page.items], next: page.next_cursor }));
        setMore({ loading: false, error: null });
      },
      (error: unknown) => setMore({ loading: false, error }),
    );
  };
  return {
    items: first.data?.items,
    error: first.error,
    loading: first.loading,
    reload: first.reload,
    set: (update) => first.set((current) => ({ items: update(current?.items ?? []), next: current?.next ?? null })),
    hasMore: next !== null,
    moreLoading: more.loading,
    moreError: more.error,
    loadMore,
  };
}

/**
 * Calls `onChange` when an event of the club that `accept` picks reaches this socket (the club
 * page follows the club, so its events do), and after a reconnect, when changes were missed.
 */
export function useClubEventsLive(clubId: number, accept: (event: ClubEventEnvelope['event']) => boolean, onChange: () => void): void {
  const latest = useRef({ accept, onChange });
  latest.current = { accept, onChange };
  const round = connectCount.value;
  const firstRound = useRef(round);
  useEffect(() => {
    if (round !== firstRound.current) latest.current.onChange();
  }, [round]);
  useEffect(() => {
    const socket = getSocket();
    const heard = (envelope: ClubEventEnvelope) => {
      if (envelope.club_id === clubId && latest.current.accept(envelope.event)) latest.current.onChange();
    };
    socket.on('club:event', heard);
    return () => {
      socket.off('club:event', heard);
    };
  }, [clubId]);
}

/** Calls `onChange` when the club's content of one of these kinds changes, and after a reconnect. */
export function useContentLive(clubId: number, resources: readonly ClubResource[], onChange: () => void): void {
  useClubEventsLive(clubId, (event) => event.type === 'content.changed' && resources.includes(event.resource), onChange);
}
