// Puts one stream's RTP packets back in sequence order. Packets may arrive reordered,
// duplicated or not at all: a missing packet is waited for while fewer than `window` later
// packets have arrived, then reported lost so the decoder fills its time. Sequence numbers
// (16 bits) and timestamps (32 bits) are unwrapped into ever-growing numbers, so a wrap is
// just the next number. Memory is bounded: at most `window` packets are held.
import { parseRtp, type RtpPacket } from './rtp.js';

export interface OrderedPayload {
  /** Unwrapped sequence number. */
  sequence: number;
  /** Unwrapped RTP timestamp (clock-rate units). */
  timestamp: number;
  payload: Buffer;
  /** Packets given up on just before this one (0 when none were missing). */
  lost: number;
}

export interface ReorderStats {
  received: number;
  emitted: number;
  lost: number;
  duplicates: number;
  /** Arrived after their place had been given up on (or copies of packets already emitted). */
  late: number;
  malformed: number;
}

export interface ReorderOptions {
  /** Packets to wait for a missing one: 8 Opus packets of 20 ms is 160 ms of jitter. */
  window?: number;
}

interface Held {
  packet: RtpPacket;
  sequence: number;
}

const SEQ_SPAN = 0x1_0000;
const TS_SPAN = 0x1_0000_0000;

/** The unwrapped value nearest to `reference` whose low bits are `value`. */
function unwrap(value: number, reference: number, span: number): number {
  let delta = (value - reference) % span;
  if (delta < 0) delta += span;
  if (delta >= span / 2) delta -= span;
  return reference + delta;
}

export class RtpReorderer {
  readonly stats: ReorderStats = { received: 0, emitted: 0, lost: 0, duplicates: 0, late: 0, malformed: 0 };
  private readonly window: number;
  private readonly held = new Map<number, Held>();
  private next: number | null = null;
  private highest = 0;
  private lastTimestamp: number | null = null;
  private ssrc: number | null = null;

  constructor(options: ReorderOptions = {}) {
    this.window = Math.max(1, options.window ?? 8);
  }

  /** Packets held waiting for a missing one (never more than `window`). */
  get holding(): number {
    return this.held.size;
  }

  /** Parses and orders one packet; returns the payloads now ready, in order. */
  push(raw: Buffer): OrderedPayload[] {
    let packet: RtpPacket;
    try {
      packet = parseRtp(raw);
    } catch {
      this.stats.malformed++;
      return [];
    }
    this.stats.received++;
    const out: OrderedPayload[] = [];
    if (this.ssrc !== null && packet.ssrc !== this.ssrc) {
      // A new source restarts numbering: hand over what is held, then start afresh.
      out.push(...this.flush());
      this.next = null;
      this.lastTimestamp = null;
    }
    this.ssrc = packet.ssrc;
    const sequence = this.next === null ? packet.sequence : unwrap(packet.sequence, this.highest, SEQ_SPAN);
    if (this.next === null) {
      this.next = sequence;
      this.highest = sequence;
    }
    if (sequence < this.next) {
      this.stats.late++;
      return out;
    }
    if (this.held.has(sequence)) {
      this.stats.duplicates++;
      return out;
    }
    this.held.set(sequence, { packet, sequence });
    this.highest = Math.max(this.highest, sequence);
    this.release(out, false);
    return out;
  }

  /** Everything still held, in order (at the end of the stream). */
  flush(): OrderedPayload[] {
    const out: OrderedPayload[] = [];
    this.release(out, true);
    return out;
  }

  private release(out: OrderedPayload[], all: boolean): void {
    for (;;) {
      if (this.next === null || this.held.size === 0) return;
      let lost = 0;
      if (!this.held.has(this.next)) {
        // Wait for the missing packet until `window` newer ones are here (or the stream ends).
        if (!all && this.highest - this.next < this.window) return;
        const first = Math.min(...this.held.keys());
        lost = first - this.next;
        this.next = first;
      }
      const item = this.held.get(this.next)!;
      this.held.delete(this.next);
      this.next++;
      out.push(this.emit(item, lost));
    }
  }

  private emit(item: Held, lost: number): OrderedPayload {
    const timestamp = this.lastTimestamp === null ? item.packet.timestamp : unwrap(item.packet.timestamp, this.lastTimestamp, TS_SPAN);
    this.lastTimestamp = timestamp;
    this.stats.emitted++;
    this.stats.lost += lost;
    return { sequence: item.sequence, timestamp, payload: item.packet.payload, lost };
  }
}
