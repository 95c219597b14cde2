// Notes clients for tests: the official y-websocket WebsocketProvider, opened with a ticket.
import assert from 'node:assert/strict';
import * as decoding from 'lib0/decoding';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { AUTH_PERMISSION_GRANTED, type NotesAccess } from '../../server/notes/connection.js';
import { MESSAGE_AUTH } from '../../server/notes/documents.js';
import type { NotesAuthorizer } from '../../server/notes/server.js';
import type { TestAccount } from './accounts.js';
import type { TestServer } from './server.js';
import { waitFor } from './wait.js';

/** The tests' stand-in for club roles: an explicit table of who may do what on test.* docs. */
export function policy(roles: Map<number, NotesAccess>): NotesAuthorizer {
  return async (userId, doc) => (doc.startsWith('test.') ? (roles.get(userId) ?? null) : null);
}

/** The name the notes suites know waitFor by. */
export const until = waitFor;

/** Like waitFor(), but checks on every update of `doc` instead of polling (waits of ~1 ms). */
export function untilUpdated(doc: Y.Doc, check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  if (check()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onUpdate = () => {
      if (!check()) return;
      clearTimeout(timer);
      doc.off('afterAllTransactions', onUpdate);
      resolve();
    };
    const timer = setTimeout(() => {
      doc.off('afterAllTransactions', onUpdate);
      reject(new Error(`timed out waiting for ${what}`));
    }, timeoutMs);
    doc.on('afterAllTransactions', onUpdate);
  });
}

export interface ProviderOptions {
  /** Connect the WebSocket here instead of the server itself (e.g. through a delaying proxy). */
  wsUrl?: string;
}

export interface NotesClient {
  provider: WebsocketProvider;
  doc: Y.Doc;
  text: Y.Text;
  /** Drops the connection and stays offline (local edits keep piling up). */
  disconnect(): void;
  /** Reconnects with a fresh ticket; resolves once synced (or disconnected again meanwhile). */
  reconnect(): Promise<void>;
  close(): void;
}

export async function openProvider(
  server: TestServer,
  account: Pick<TestAccount, 'access' | 'username'>,
  docName: string,
  doc = new Y.Doc(),
  options: ProviderOptions = {},
): Promise<NotesClient> {
  const fetchTicket = async (): Promise<string> => {
    const ticket = await server.http.post('/api/collab/tickets', { doc: docName }, account.access);
    assert.equal(ticket.status, 201, JSON.stringify(ticket.body));
    return ticket.body.ticket as string;
  };
  const base = options.wsUrl ?? server.url.replace('http', 'ws');
  const provider = new WebsocketProvider(`${base}/collab`, docName, doc, {
    params: { ticket: await fetchTicket() },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true, // only the server may carry updates between the test's providers
  });
  let closed = false;
  // Tickets are single-use, so the provider's own retry would present a spent one and be
  // refused for ever. Like a web client, hold the retry, fetch a fresh ticket, then connect.
  provider.on('connection-close', () => {
    if (closed || !provider.shouldConnect) return;
    provider.shouldConnect = false;
    fetchTicket().then(
      (ticket) => {
        provider.params.ticket = ticket;
        if (!closed) provider.connect();
      },
      () => {}, // refused (revoked, removed): stay offline, as the server decided
    );
  });
  await waitFor(() => provider.synced, `${account.username} synced on ${docName}`);
  return {
    provider,
    doc,
    text: doc.getText('minutes'),
    disconnect: () => provider.disconnect(),
    async reconnect() {
      provider.params.ticket = await fetchTicket();
      provider.connect();
      // Done once synced, or once disconnect() was called meanwhile.
      await waitFor(() => provider.synced || !provider.shouldConnect, `${account.username} synced again on ${docName}`, 10_000);
    },
    // Destroying the doc also stops its Awareness timer (the provider alone leaves it running).
    close() {
      closed = true;
      provider.destroy();
      doc.destroy();
    },
  };
}

/**
 * The next auth message the server sends `client` on its current socket: `denied: <reason>`
 * (y-protocols' permission-denied) or `granted: <scope>` (access raised while open).
 */
export function nextAuthNotice(client: NotesClient, timeoutMs = 5000): Promise<string> {
  const ws = client.provider.ws;
  if (!ws) return Promise.reject(new Error('the notes client is not connected'));
  return new Promise((resolve, reject) => {
    const listener = (event: MessageEvent) => {
      const decoder = decoding.createDecoder(new Uint8Array(event.data as ArrayBuffer));
      if (decoding.readVarUint(decoder) !== MESSAGE_AUTH) return;
      const type = decoding.readVarUint(decoder);
      const text = decoding.readVarString(decoder);
      clearTimeout(timer);
      ws.removeEventListener('message', listener);
      resolve(`${type === AUTH_PERMISSION_GRANTED ? 'granted' : 'denied'}: ${text}`);
    };
    const timer = setTimeout(() => {
      ws.removeEventListener('message', listener);
      reject(new Error(`no auth message within ${timeoutMs} ms`));
    }, timeoutMs);
    ws.addEventListener('message', listener);
  });
}
