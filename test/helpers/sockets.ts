// Socket.IO clients for tests: real socket.io-client sockets typed with the shared protocol.
import assert from 'node:assert/strict';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import type { Ack, ClientEvent, ClientInput, ClientReplies, ClientToServerEvents, ServerToClientEvents, SignalingError } from '../../shared/protocol/signaling.js';

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type ServerEvent = keyof ServerToClientEvents;
export type Payload<K extends ServerEvent> = Parameters<ServerToClientEvents[K]>[0];

/** Lets a test send what no typed client would (fuzzing, unknown events). */
export interface LooseSocket {
  emit(event: string, ...args: unknown[]): unknown;
  timeout(ms: number): { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> };
}
export const loose = (socket: TestSocket) => socket as unknown as LooseSocket;

export interface OpenOptions extends Partial<ManagerOptions & SocketOptions> {
  origin?: string;
}

/** A socket that does not reconnect on its own unless told to, over WebSocket by default. */
export function openSocket(url: string, token: string | null, options: OpenOptions = {}): TestSocket {
  const { origin, ...rest } = options;
  return io(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: token === null ? {} : { token },
    ...(origin ? { extraHeaders: { origin } } : {}),
    ...rest,
  });
}

/** Connects, or fails with the server's refusal. */
export function connect(url: string, token: string | null, options: OpenOptions = {}): Promise<TestSocket> {
  const socket = openSocket(url, token, options);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err: Error & { data?: SignalingError }) => {
      socket.close();
      reject(Object.assign(new Error(`connect_error: ${err.message} ${JSON.stringify(err.data)}`), { data: err.data }));
    });
  });
}

/** The refusal a handshake ends with (fails if it connects). */
export async function refusal(url: string, token: string | null, options: OpenOptions = {}): Promise<SignalingError> {
  const socket = openSocket(url, token, options);
  try {
    return await new Promise<SignalingError>((resolve, reject) => {
      socket.once('connect', () => reject(new Error('connected although it should have been refused')));
      socket.once('connect_error', (err: Error & { data?: SignalingError }) => resolve(err.data ?? { code: 'internal_error', message: err.message }));
    });
  } finally {
    socket.close();
  }
}

export async function request<E extends ClientEvent>(socket: TestSocket, event: E, payload: ClientInput<E>, timeoutMs = 5000): Promise<Ack<ClientReplies[E]>> {
  return (await loose(socket).timeout(timeoutMs).emitWithAck(event, payload)) as Ack<ClientReplies[E]>;
}

/** Sends and insists on success; returns the reply. */
export async function ok<E extends ClientEvent>(socket: TestSocket, event: E, payload: ClientInput<E>): Promise<ClientReplies[E]> {
  const reply = await request(socket, event, payload);
  if (!reply.ok) assert.fail(`${event} failed: ${JSON.stringify(reply.error)}`);
  const { ok: _ok, ...rest } = reply;
  return rest as unknown as ClientReplies[E]; // the reply without its `ok`
}

/** Sends and insists on failure; returns the error. */
export async function fails<E extends ClientEvent>(socket: TestSocket, event: E, payload: ClientInput<E>): Promise<SignalingError> {
  const reply = await request(socket, event, payload);
  if (reply.ok) assert.fail(`${event} should have failed: ${JSON.stringify(reply)}`);
  return reply.error;
}

/** The next `event` (matching `accept`, if given) within the timeout. */
export function nextEvent<K extends ServerEvent>(socket: TestSocket, event: K, accept: (payload: Payload<K>) => boolean = () => true, timeoutMs = 3000): Promise<Payload<K>> {
  const target = socket as unknown as { on(e: string, l: (p: Payload<K>) => void): void; off(e: string, l: (p: Payload<K>) => void): void };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      target.off(event, listener);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (payload: Payload<K>) => {
      if (!accept(payload)) return;
      clearTimeout(timer);
      target.off(event, listener);
      resolve(payload);
    };
    target.on(event, listener);
  });
}

/** Every `event` the socket receives from now on. */
export function collect<K extends ServerEvent>(socket: TestSocket, event: K): Array<Payload<K>> {
  const seen: Array<Payload<K>> = [];
  (socket as unknown as { on(e: string, l: (p: Payload<K>) => void): void }).on(event, (payload) => seen.push(payload));
  return seen;
}

/**
 * Asserts that no `event` (matching `accept`) reaches the socket before `control` is done, and
 * returns what `control` returned. The control is the positive half of the assertion: it waits
 * for something the server sends this socket after it would have sent the unwanted event (a
 * later event on the same path, or an ack), so the check holds however slow the machine is.
 */
export async function noneBefore<K extends ServerEvent, T>(socket: TestSocket, event: K, control: () => Promise<T>, accept: (payload: Payload<K>) => boolean = () => true): Promise<T> {
  const target = socket as unknown as { on(e: string, l: (p: Payload<K>) => void): void; off(e: string, l: (p: Payload<K>) => void): void };
  const unwanted: Array<Payload<K>> = [];
  const listener = (payload: Payload<K>) => {
    if (accept(payload)) unwanted.push(payload);
  };
  target.on(event, listener);
  try {
    const result = await control();
    assert.deepEqual(unwanted, [], `unexpected ${event}`);
    return result;
  } finally {
    target.off(event, listener);
  }
}

/**
 * One request and its reply: whatever the server sent this socket before handling it has
 * arrived once this resolves (a socket's packets arrive in the order they were sent).
 */
export async function roundTrip(socket: TestSocket): Promise<void> {
  await request(socket, 'presence:list', { club_id: 1 });
}

export function disconnected(socket: TestSocket, timeoutMs = 3000): Promise<string> {
  if (!socket.connected) return Promise.resolve('already');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still connected after ${timeoutMs} ms`)), timeoutMs);
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

export function closeSockets(...sockets: Array<TestSocket | undefined>): void {
  for (const socket of sockets) socket?.close();
}

/** The sockets a suite opens, closed together after each test. */
export class OpenSockets {
  private readonly sockets: TestSocket[] = [];

  constructor(private readonly url: () => string) {}

  /** Connects with an account's access token (or a bare token). */
  async connect(who: { access: string } | string, options: OpenOptions = {}): Promise<TestSocket> {
    return this.track(await connect(this.url(), typeof who === 'string' ? who : who.access, options));
  }

  track(socket: TestSocket): TestSocket {
    this.sockets.push(socket);
    return socket;
  }

  closeAll(): void {
    closeSockets(...this.sockets.splice(0));
  }
}
