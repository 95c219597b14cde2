// The login session in this browser: the token pair in localStorage, shared by every tab.
//
// Refresh tokens rotate and the server treats a spent one as theft (it ends the whole session),
// so two tabs must never spend the same refresh token. Every refresh runs under one cross-tab
// lock (Web Locks; a localStorage lease where those are missing, e.g. plain http on a LAN): a tab
// that waited finds the pair another tab just got and uses it instead of refreshing again.
//
// localStorage alone cannot tell it: Chromium hands a write to other tabs' processes
// asynchronously, so a tab granted the lock right after another released it often still reads
// the old pair. IndexedDB is read through the browser process and is consistent, so each
// refresh also files "this refresh token was traded for this pair" there before the lock is
// released, and a tab checks that ledger before spending the token it read.
import { signal } from '@preact/signals';
import { tokenPairSchema, tokenRefreshSchema, type TokenPair } from '../../../shared/protocol/auth.js';
import { ApiError, SESSION_ENDING_CODES, toApiError } from './errors.js';

const STORAGE_KEY = 'roundtable.session';
const LOCK_NAME = 'roundtable.refresh';
/** Refresh this long before the access token expires, so calls rarely meet a 401... */
const REFRESH_AHEAD_MS = 60_000;
/** ...but never more than this share of the token's life (the server allows 30-second tokens). */
const REFRESH_AHEAD_SHARE = 1 / 3;
const REFRESH_TIMEOUT_MS = 20_000;

export interface Session {
  access: string;
  refresh: string;
  userId: number;
  /** When the access token expires (ms since the epoch). */
  accessExpiresAt: number;
  /** How long before expiry this session renews its access token (ms). */
  refreshAheadMs: number;
}

/**
 * Why the last session ended, for the login page to say. Kept in localStorage too: the session
 * often ends while the person is on another page (a revocation pushed to the socket), and the
 * reason must still be there after a reload, and in the other tabs.
 */
const ENDED_KEY = 'roundtable.session-ended';

function readEnded(): ApiError['code'] | null {
  try {
    return (localStorage.getItem(ENDED_KEY) as ApiError['code'] | null) ?? null;
  } catch {
    return null;
  }
}

function writeEnded(reason: ApiError['code'] | null): void {
  try {
    if (reason) localStorage.setItem(ENDED_KEY, reason);
    else localStorage.removeItem(ENDED_KEY);
  } catch {
    // Storage refused: the reason lasts for this page only.
  }
}

export const endedBecause = signal<ApiError['code'] | null>(readEnded());

function claims(token: string): { sub?: string; exp?: number; iat?: number } {
  try {
    const payload = token.split('.')[1] ?? '';
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    return JSON.parse(json) as { sub?: string; exp?: number; iat?: number };
  } catch {
    return {};
  }
}

function fromPair(pair: TokenPair): Session {
  const { sub, exp, iat } = claims(pair.access);
  const lifetimeMs = exp && iat && exp > iat ? (exp - iat) * 1000 : Infinity;
  return { access: pair.access, refresh: pair.refresh, userId: Number(sub), accessExpiresAt: (exp ?? 0) * 1000, refreshAheadMs: Math.min(REFRESH_AHEAD_MS, lifetimeMs * REFRESH_AHEAD_SHARE) };
}

function readStored(): Session | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const pair = tokenPairSchema.safeParse(JSON.parse(raw));
    return pair.success ? fromPair(pair.data) : null;
  } catch {
    return null;
  }
}

function writeStored(pair: TokenPair | null): void {
  try {
    if (pair) localStorage.setItem(STORAGE_KEY, JSON.stringify({ access: pair.access, refresh: pair.refresh }));
    else localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Storage refused (private mode): the session lives in this tab only.
  }
}

export const session = signal<Session | null>(readStored());

// Another tab logged in, refreshed or logged out.
window.addEventListener('storage', (event) => {
  if (event.key === STORAGE_KEY || event.key === null) session.value = readStored();
  if (event.key === ENDED_KEY || event.key === null) endedBecause.value = readEnded();
});

export function currentAccess(): string | null {
  return session.value?.access ?? null;
}

/** Starts a session from a token pair the server just gave (login). */
export function startSession(pair: TokenPair): void {
  writeStored(pair);
  writeEnded(null);
  endedBecause.value = null;
  session.value = fromPair(pair);
}

/** Forgets the session in every tab; `reason` is said on the login page. */
export function endSession(reason: ApiError['code'] | null = null): void {
  writeStored(null);
  clearLedger();
  writeEnded(reason);
  endedBecause.value = reason;
  session.value = null;
}

// The ledger of trades: spent refresh token → the pair it was traded for. Entries are needed
// only for the moment other tabs take to see localStorage change, so they are kept briefly.
const LEDGER_DB = 'roundtable.session';
const LEDGER_STORE = 'trades';
const LEDGER_KEEP_MS = 10 * 60_000;

interface Trade {
  pair: TokenPair;
  at: number;
}

function openLedger(): Promise<IDBDatabase | null> {
  return new Promise((resolve) => {
    try {
      const request = indexedDB.open(LEDGER_DB, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(LEDGER_STORE);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => resolve(null);
      request.onblocked = () => resolve(null);
    } catch {
      resolve(null); // no IndexedDB (some private modes): the lock and localStorage still do most of it
    }
  });
}

async function inLedger<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T> | void): Promise<T | undefined> {
  const db = await openLedger();
  if (!db) return undefined;
  return new Promise<T | undefined>((resolve) => {
    let result: T | undefined;
    try {
      const tx = db.transaction(LEDGER_STORE, mode);
      const request = work(tx.objectStore(LEDGER_STORE));
      if (request) request.onsuccess = () => (result = request.result);
      tx.oncomplete = () => resolve(result);
      tx.onerror = tx.onabort = () => resolve(undefined);
    } catch {
      resolve(undefined);
    }
  }).finally(() => db.close());
}

/** The newest pair reached from `pair` by trades any tab filed (the pair itself when none). */
async function latestTrade(pair: TokenPair): Promise<TokenPair> {
  let current = pair;
  for (let hops = 0; hops < 20; hops++) {
    const trade = await inLedger<Trade | undefined>('readonly', (store) => store.get(current.refresh) as IDBRequest<Trade | undefined>);
    if (!trade || !tokenPairSchema.safeParse(trade.pair).success) break;
    current = trade.pair;
  }
  return current;
}

/** Files a trade (and forgets old ones); resolves once it is committed. */
async function fileTrade(spent: string, pair: TokenPair): Promise<void> {
  await inLedger('readwrite', (store) => {
    store.put({ pair, at: Date.now() } satisfies Trade, spent);
    const cursor = store.openCursor();
    cursor.onsuccess = () => {
      const entry = cursor.result;
      if (!entry) return;
      if (((entry.value as Trade).at ?? 0) < Date.now() - LEDGER_KEEP_MS) entry.delete();
      entry.continue();
    };
  });
}

function clearLedger(): void {
  void inLedger('readwrite', (store) => {
    store.clear();
  });
}

async function withRefreshLock<T>(work: () => Promise<T>): Promise<T> {
  if (typeof navigator.locks?.request === 'function') {
    return navigator.locks.request(LOCK_NAME, { mode: 'exclusive' }, work);
  }
  return withLease(work);
}

// Fallback lock where Web Locks are missing (plain http on a LAN): a lease kept in the ledger's
// IndexedDB store. Read-write transactions on one store run one at a time across the origin's
// tabs, so reading the lease and taking it in one transaction is a true compare-and-set. (A lease
// in localStorage, claimed and re-read 30 ms later, let two tabs both win on a slow machine, where
// the other tab's write arrived after the re-read: both spent one refresh token.) Without
// IndexedDB (some private modes) that localStorage lease is still the last resort.
const tabId = Math.random().toString(36).slice(2);
const LEASE_MS = 15_000;
/** The lease's key in the trades store: never a refresh token, and its `at` keeps it out of the ledger's clean-up while it is live. */
const LEASE_RECORD = 'lease:refresh';

interface Lease {
  owner: string;
  until: number;
  at: number;
}

/** Takes the lease if it is free, expired or ours: true or false, or null without IndexedDB. */
async function claimLease(): Promise<boolean | null> {
  const db = await openLedger();
  if (!db) return null;
  return new Promise<boolean | null>((resolve) => {
    let won = false;
    try {
      const tx = db.transaction(LEDGER_STORE, 'readwrite');
      const store = tx.objectStore(LEDGER_STORE);
      const read = store.get(LEASE_RECORD) as IDBRequest<Lease | undefined>;
      read.onsuccess = () => {
        const lease = read.result;
        const now = Date.now();
        if (!lease || lease.until < now || lease.owner === tabId) {
          store.put({ owner: tabId, until: now + LEASE_MS, at: now } satisfies Lease, LEASE_RECORD);
          won = true;
        }
      };
      tx.oncomplete = () => resolve(won);
      tx.onerror = tx.onabort = () => resolve(null);
    } catch {
      resolve(null);
    }
  }).finally(() => db.close());
}

async function releaseLease(): Promise<void> {
  await inLedger('readwrite', (store) => {
    const read = store.get(LEASE_RECORD) as IDBRequest<Lease | undefined>;
    read.onsuccess = () => {
      if (read.result?.owner === tabId) store.delete(LEASE_RECORD);
    };
  });
}

async function withLease<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const claimed = await claimLease();
    if (claimed === null) return withStorageLease(work);
    if (claimed) {
      try {
        return await work();
      } finally {
        await releaseLease();
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 50));
  }
  return work();
}

const STORAGE_LEASE_KEY = 'roundtable.refresh-lease';

async function withStorageLease<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const lease = localStorage.getItem(STORAGE_LEASE_KEY);
    const [owner, until] = (lease ?? '').split(' ');
    if (!lease || Number(until) < Date.now() || owner === tabId) {
      localStorage.setItem(STORAGE_LEASE_KEY, `${tabId} ${Date.now() + LEASE_MS}`);
      await new Promise((resolve) => setTimeout(resolve, 30));
      if (localStorage.getItem(STORAGE_LEASE_KEY)?.startsWith(`${tabId} `)) {
        try {
          return await work();
        } finally {
          localStorage.removeItem(STORAGE_LEASE_KEY);
        }
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 50));
  }
  return work();
}

let inFlight: Promise<string | null> | null = null;

/**
 * A fresh access token in place of `stale`, or null when the session has ended (then the user
 * must log in again). Network trouble throws and keeps the session: the next call tries again.
 */
export function refreshAccess(stale: string | null): Promise<string | null> {
  inFlight ??= withRefreshLock(async () => {
    const read = readStored();
    if (!read) {
      session.value = null;
      return null;
    }
    // What localStorage showed may already be spent by another tab: follow the ledger.
    const latest = await latestTrade({ access: read.access, refresh: read.refresh });
    const stored = latest.refresh === read.refresh ? read : fromPair(latest);
    // Another tab refreshed while we waited for the lock: use what it got. (Measured against the
    // token's own life: a fixed margin longer than a short token's whole life made every waiting
    // tab refresh once more, right after the tab it waited for.)
    if (stored.access !== stale && stored.accessExpiresAt - Date.now() > stored.refreshAheadMs / 2) {
      session.value = stored;
      return stored.access;
    }
    const body = tokenRefreshSchema.parse({ refresh: stored.refresh });
    let response: Response;
    try {
      // Bounded, so a request that hangs cannot hold every tab's lock forever.
      response = await fetch('/auth/jwt/refresh', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(REFRESH_TIMEOUT_MS) });
    } catch (err) {
      throw toApiError(err);
    }
    if (response.ok) {
      const pair = tokenPairSchema.parse(await response.json());
      // Filed before the lock is released, so the next tab to hold it cannot miss it.
      await fileTrade(stored.refresh, pair);
      startSession(pair);
      return pair.access;
    }
    const code = ((await response.json().catch(() => ({}))) as { error?: { code?: ApiError['code'] } }).error?.code ?? 'unexpected';
    if (response.status === 401 || SESSION_ENDING_CODES.has(code)) {
      endSession(code);
      return null;
    }
    throw new ApiError(code, 'refresh failed', response.status);
  }).finally(() => {
    inFlight = null;
  });
  return inFlight;
}

// Refresh ahead of expiry in whichever tab's timer fires first; the others then adopt its pair.
let timer: ReturnType<typeof setTimeout> | undefined;
function schedule(current: Session | null): void {
  clearTimeout(timer);
  if (!current) return;
  // A little jitter so that tabs opened together do not all queue on the lock at once; the tabs
  // that come second find the new pair and adopt it. The floor must stay below the margin, or a
  // short-lived token would be renewed by every tab at the floor's pace instead.
  const jitter = Math.random() * current.refreshAheadMs * 0.25;
  const due = current.accessExpiresAt - current.refreshAheadMs - Date.now() - jitter;
  timer = setTimeout(() => {
    refreshAccess(current.access).catch(() => {
      // Network trouble: try again a little later (the session is kept).
      timer = setTimeout(() => schedule(session.value), 5_000);
    });
  }, Math.max(1_000, Math.min(due, 2 ** 31 - 1)));
}
session.subscribe(schedule);
