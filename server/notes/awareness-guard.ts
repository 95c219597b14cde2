// What a connection's awareness (presence) update may carry before it reaches the document's
// Awareness: only the client ids this connection introduced (at most `maxClients`), each
// state at most `maxBytes` of JSON, and the person's name as the server knows it, never as the
// client claims it. The result is re-encoded in the y-protocols awareness format.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { AwarenessClaim, NotesPeer } from './documents.js';

/** Who is behind a connection, from the server's account data. */
export interface NotesIdentity {
  userId: number;
  /** The display name others see (nickname, else username). */
  name: string;
}

export interface AwarenessLimits {
  maxAwarenessBytes: number;
  maxAwarenessClients: number;
}

export type GuardedAwareness =
  | { ok: true; update: Uint8Array | null }
  | { ok: false; reason: 'too-large' | 'too-many-clients' | 'malformed' };

type Claim = (peer: NotesPeer, id: number, max: number) => AwarenessClaim;

const COLOR = /^[#a-zA-Z0-9(),.%\s-]{1,64}$/;

/**
 * The state as others will see it: the client's cursor and fields kept, `user` replaced by
 * `{name, id}` from the server plus the client's `color` (the y-websocket / Tiptap
 * collaboration-cursor convention is `user: {name, color}`).
 */
function stamp(state: Record<string, unknown>, who: NotesIdentity): Record<string, unknown> {
  const claimed = state.user;
  const color = typeof claimed === 'object' && claimed !== null && 'color' in claimed ? claimed.color : undefined;
  return { ...state, user: { name: who.name, id: who.userId, ...(typeof color === 'string' && COLOR.test(color) ? { color } : {}) } };
}

export function guardAwareness(update: Uint8Array, peer: NotesPeer, who: NotesIdentity, claim: Claim, limits: AwarenessLimits): GuardedAwareness {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  const kept: Array<[number, number, string]> = [];
  for (let i = 0; i < count; i += 1) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const json = decoding.readVarString(decoder);
    if (Buffer.byteLength(json) > limits.maxAwarenessBytes) return { ok: false, reason: 'too-large' };
    const state: unknown = JSON.parse(json);
    if (state !== null && (typeof state !== 'object' || Array.isArray(state))) return { ok: false, reason: 'malformed' };
    const claimed = claim(peer, clientId, limits.maxAwarenessClients);
    if (claimed === 'too-many') return { ok: false, reason: 'too-many-clients' };
    if (claimed === 'taken') continue; // someone else's presence: not ours to change
    kept.push([clientId, clock, state === null ? 'null' : JSON.stringify(stamp(state as Record<string, unknown>, who))]);
  }
  if (kept.length === 0) return { ok: true, update: null };
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, kept.length);
  for (const [clientId, clock, json] of kept) {
    encoding.writeVarUint(encoder, clientId);
    encoding.writeVarUint(encoder, clock);
    encoding.writeVarString(encoder, json);
  }
  return { ok: true, update: encoding.toUint8Array(encoder) };
}
