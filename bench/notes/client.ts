// One small client for every server in the benchmark, so client-side cost is the same for
// all: the y-websocket sync protocol, optionally framed the Hocuspocus way (each message
// starts with the document name; the connection opens with an Auth message).
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as syncProtocol from 'y-protocols/sync';
import type * as Y from 'yjs';

const SYNC = 0;
const AUTH = 2;
const AUTH_TOKEN = 0;

export interface ClientOptions {
  /** Hocuspocus framing: the document name before every message, and an Auth message first. */
  hocuspocus?: { documentName: string; token: string };
}

export class BenchClient {
  readonly ws: WebSocket;
  readonly synced: Promise<void>;
  readonly closed: Promise<void>;
  private markSynced!: () => void;

  constructor(
    url: string,
    readonly doc: Y.Doc,
    private readonly options: ClientOptions = {},
  ) {
    this.synced = new Promise((resolve) => (this.markSynced = resolve));
    this.ws = new WebSocket(url);
    this.ws.binaryType = 'nodebuffer';
    this.closed = new Promise((resolve) => this.ws.once('close', () => resolve()));
    this.ws.on('error', () => {});
    this.ws.on('open', () => {
      const hp = this.options.hocuspocus;
      if (hp) this.ws.send(this.frame((e) => (encoding.writeVarUint(e, AUTH), encoding.writeVarUint(e, AUTH_TOKEN), encoding.writeVarString(e, hp.token))));
      this.ws.send(this.frame((e) => (encoding.writeVarUint(e, SYNC), syncProtocol.writeSyncStep1(e, this.doc))));
    });
    this.ws.on('message', (data: Buffer) => this.receive(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)));
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== this) this.sendUpdate(update);
    });
  }

  /** Sends an update as it is (the benchmark writer sends pre-made updates without a doc). */
  sendUpdate(update: Uint8Array): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(this.frame((e) => (encoding.writeVarUint(e, SYNC), syncProtocol.writeUpdate(e, update))));
  }

  close(): Promise<void> {
    this.ws.close();
    return this.closed;
  }

  private frame(write: (encoder: encoding.Encoder) => void): Uint8Array {
    const encoder = encoding.createEncoder();
    if (this.options.hocuspocus) encoding.writeVarString(encoder, this.options.hocuspocus.documentName);
    write(encoder);
    return encoding.toUint8Array(encoder);
  }

  private receive(data: Uint8Array): void {
    const decoder = decoding.createDecoder(data);
    if (this.options.hocuspocus) decoding.readVarString(decoder);
    if (decoding.readVarUint(decoder) !== SYNC) return; // presence, auth acks, sync status
    const reply = encoding.createEncoder();
    if (this.options.hocuspocus) encoding.writeVarString(reply, this.options.hocuspocus.documentName);
    encoding.writeVarUint(reply, SYNC);
    const header = encoding.length(reply);
    const type = syncProtocol.readSyncMessage(decoder, reply, this.doc, this);
    if (encoding.length(reply) > header) this.ws.send(encoding.toUint8Array(reply));
    if (type === syncProtocol.messageYjsSyncStep2) this.markSynced();
  }
}
