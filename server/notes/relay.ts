// Carries document updates and presence between nodes serving the same document. Every
// message names the node it came from; a node never receives its own. Relayed updates are
// applied in memory only: the node whose client made an update is the one that stores it.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

export type RelayMessage =
  | { type: 'update'; update: Uint8Array }
  | { type: 'awareness'; update: Uint8Array }
  /** Sent by a node that just loaded the document: "send me what I lack". */
  | { type: 'sync-request'; stateVector: Uint8Array }
  | { type: 'sync-reply'; to: string; update: Uint8Array }
  | { type: 'awareness-query' };

export type RelayHandler = (message: RelayMessage, from: string) => void;

export interface NotesRelay {
  readonly nodeId: string;
  /** Starts delivering the document's messages from other nodes; resolves once that is live. */
  join(doc: string, handler: RelayHandler): Promise<void>;
  leave(doc: string): void;
  publish(doc: string, message: RelayMessage): void;
  /** Runs after a lost connection is back (messages may have been lost meanwhile). */
  onResume(handler: () => void): void;
  close(): Promise<void>;
}

/** Marks updates and presence applied from the relay, so they are neither stored nor sent back. */
export const RELAYED = Symbol('relayed');

const TYPES = ['update', 'awareness', 'sync-request', 'sync-reply', 'awareness-query'] as const;

export function encodeRelayMessage(from: string, message: RelayMessage): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, TYPES.indexOf(message.type));
  encoding.writeVarString(encoder, from);
  switch (message.type) {
    case 'update':
    case 'awareness':
      encoding.writeVarUint8Array(encoder, message.update);
      break;
    case 'sync-request':
      encoding.writeVarUint8Array(encoder, message.stateVector);
      break;
    case 'sync-reply':
      encoding.writeVarString(encoder, message.to);
      encoding.writeVarUint8Array(encoder, message.update);
      break;
    case 'awareness-query':
      break;
  }
  return encoding.toUint8Array(encoder);
}

export function decodeRelayMessage(data: Uint8Array): { from: string; message: RelayMessage } {
  const decoder = decoding.createDecoder(data);
  const type = TYPES[decoding.readVarUint(decoder)];
  const from = decoding.readVarString(decoder);
  switch (type) {
    case 'update':
    case 'awareness':
      return { from, message: { type, update: decoding.readVarUint8Array(decoder) } };
    case 'sync-request':
      return { from, message: { type, stateVector: decoding.readVarUint8Array(decoder) } };
    case 'sync-reply': {
      const to = decoding.readVarString(decoder);
      return { from, message: { type, to, update: decoding.readVarUint8Array(decoder) } };
    }
    case 'awareness-query':
      return { from, message: { type } };
    default:
      throw new Error('unknown relay message type');
  }
}
