// A bare `ws` client speaking the y-websocket protocol by hand: for what the official provider
// never sends (forged presence, floods) and for a client that stops reading.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import type { TestServer } from '../../helpers/server.js';

export interface RawNotesSocket {
  ws: WebSocket;
  /** Every message received so far, as [type, payload after the type]. */
  received: Array<[number, Uint8Array]>;
  closed: Promise<{ code: number; reason: string }>;
  send(type: number, write?: (e: encoding.Encoder) => void): void;
}

export function frame(type: number, write?: (e: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, type);
  write?.(encoder);
  return encoding.toUint8Array(encoder);
}

/** One awareness update: [clientId, clock, state] entries. */
export function awarenessUpdate(entries: Array<[number, number, unknown]>): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const [id, clock, state] of entries) {
    encoding.writeVarUint(encoder, id);
    encoding.writeVarUint(encoder, clock);
    encoding.writeVarString(encoder, JSON.stringify(state));
  }
  return encoding.toUint8Array(encoder);
}

export function openRaw(server: TestServer, doc: string, access: string): Promise<RawNotesSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/collab/${doc}?token=${access}`);
    const received: Array<[number, Uint8Array]> = [];
    const closed = new Promise<{ code: number; reason: string }>((done) => ws.on('close', (code, reason) => done({ code, reason: reason.toString() })));
    ws.on('message', (data: Buffer) => {
      const decoder = decoding.createDecoder(new Uint8Array(data));
      const type = decoding.readVarUint(decoder);
      received.push([type, decoding.readTailAsUint8Array(decoder)]);
    });
    ws.on('open', () => resolve({ ws, received, closed, send: (type, write) => ws.send(frame(type, write)) }));
    ws.on('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.on('error', reject);
  });
}
