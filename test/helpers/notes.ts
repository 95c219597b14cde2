// Notes clients for tests: the official y-websocket WebsocketProvider, opened with a ticket.
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import type { NotesAccess } from '../../server/notes/connection.js';
import type { NotesAuthorizer } from '../../server/notes/server.js';
import type { TestAccount } from './accounts.js';
import type { TestServer } from './server.js';

/** The tests' stand-in for club roles: an explicit table of who may do what on test.* docs. */
export function policy(roles: Map<number, NotesAccess>): NotesAuthorizer {
  return async (userId, doc) => (doc.startsWith('test.') ? (roles.get(userId) ?? null) : null);
}

export async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function openProvider(server: TestServer, account: Pick<TestAccount, 'access' | 'username'>, docName: string, doc = new Y.Doc()) {
  const ticket = await server.http.post('/api/collab/tickets', { doc: docName }, account.access);
  assert.equal(ticket.status, 201, JSON.stringify(ticket.body));
  const provider = new WebsocketProvider(`${server.url.replace('http', 'ws')}/collab`, docName, doc, {
    params: { ticket: ticket.body.ticket },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true, // only the server may carry updates between the test's providers
  });
  await until(() => provider.synced, `${account.username} synced on ${docName}`);
  // Destroying the doc also stops its Awareness timer (the provider alone leaves it running).
  const close = () => {
    provider.destroy();
    doc.destroy();
  };
  return { provider, doc, text: doc.getText('minutes'), close };
}
