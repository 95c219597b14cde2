// The meeting document over the notes WebSocket (y-websocket protocol), opened with a
// single-use ticket. A spent ticket cannot open a second connection, so every (re)connect asks
// for a fresh one: the provider's own retry is switched off and this module retries instead.
import { signal } from '@preact/signals';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { ticketResponseSchema, ticketSchema } from '../../../../../shared/protocol/notes.js';
import { ApiError } from '../../../api/errors.js';
import { send } from '../../../api/http.js';

export type MinutesStatus = 'connecting' | 'online' | 'offline' | 'refused';

const MAX_BACKOFF_MS = 15_000;

export interface MinutesConnection {
  doc: Y.Doc;
  provider: WebsocketProvider;
  status: ReturnType<typeof signal<MinutesStatus>>;
  /** Has had the server's state at least once (the editor may bind then). */
  synced: ReturnType<typeof signal<boolean>>;
  close(): void;
}

function collabUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/collab`;
}

export function openMinutes(docName: string): MinutesConnection {
  const doc = new Y.Doc();
  const status = signal<MinutesStatus>('connecting');
  const synced = signal(false);
  const provider = new WebsocketProvider(collabUrl(), docName, doc, { connect: false, disableBc: true, params: {} });
  let closed = false;
  let failures = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const connect = async (): Promise<void> => {
    timer = null;
    if (closed) return;
    status.value = provider.synced ? 'online' : 'connecting';
    try {
      const { ticket } = await send('post', '/api/collab/tickets', ticketSchema, { doc: docName }, ticketResponseSchema);
      if (closed) return;
      provider.params = { ticket };
      provider.connect();
    } catch (err) {
      if (err instanceof ApiError && (err.code === 'forbidden' || err.code === 'not_found')) {
        status.value = 'refused';
        return;
      }
      retry();
    }
  };

  const retry = (): void => {
    if (closed || timer) return;
    status.value = 'offline';
    failures += 1;
    timer = setTimeout(() => void connect(), Math.min(500 * 2 ** failures, MAX_BACKOFF_MS));
  };

  provider.on('connection-close', () => {
    // Stops the provider's own retry with the spent ticket (it checks this flag when its timer fires).
    provider.shouldConnect = false;
    retry();
  });
  provider.on('status', ({ status: state }) => {
    if (state === 'connected') status.value = 'online';
  });
  provider.on('sync', (isSynced: boolean) => {
    if (!isSynced) return;
    failures = 0;
    synced.value = true;
    status.value = 'online';
  });
  void connect();

  return {
    doc,
    provider,
    status,
    synced,
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      provider.destroy();
      doc.destroy();
    },
  };
}
