// Decodes one stream's ordered Opus payloads to 48 kHz mono, keeping the RTP clock: the time
// between packets that the stream did not carry (lost packets, or DTX pauses, where the sender
// simply stops) is filled from the timestamps, with the decoder's loss concealment for the
// first moments and silence after, so every sample lands at its true time on the stream.
import { OpusDecoder } from 'opus-decoder';
import type { OrderedPayload } from './jitter.js';

export const OPUS_RATE = 48_000;
/** What opus-decoder conceals per call when given an empty frame (libopus's 120 ms maximum). */
const PLC_SAMPLES = 5_760;

export interface OpusStreamOptions {
  /** Longest gap filled, in seconds: a jump beyond (a paused or restarted sender) is cut to it. */
  maxGapSeconds?: number;
  /** Conceal lost packets with the decoder's PLC (default) rather than plain silence. */
  concealment?: boolean;
}

export interface OpusStreamStats {
  decoded: number;
  failed: number;
  /** Samples (48 kHz) filled in for time the stream did not carry. */
  filled: number;
}

export class OpusStream {
  readonly stats: OpusStreamStats = { decoded: 0, failed: 0, filled: 0 };
  private readonly decoder = new OpusDecoder({ channels: 2 });
  private readonly maxGap: number;
  private readonly concealment: boolean;
  /** RTP timestamp of the next sample, once the first packet is decoded. */
  private expected: number | null = null;

  private constructor(options: OpusStreamOptions) {
    this.maxGap = Math.round((options.maxGapSeconds ?? 2) * OPUS_RATE);
    this.concealment = options.concealment ?? true;
  }

  static async create(options: OpusStreamOptions = {}): Promise<OpusStream> {
    const stream = new OpusStream(options);
    await stream.decoder.ready;
    return stream;
  }

  /** 48 kHz mono for this payload, preceded by whatever fills the time since the last one. */
  decode(item: OrderedPayload): Float32Array {
    const gap = this.expected === null ? 0 : Math.min(item.timestamp - this.expected, this.maxGap);
    const fill = gap > 0 ? this.fill(gap) : null;
    let audio: Float32Array | null = null;
    if (item.payload.length > 0) {
      const decoded = this.decoder.decodeFrame(item.payload);
      if (decoded.errors.length === 0 && decoded.samplesDecoded > 0) audio = downmix(decoded.channelData, decoded.samplesDecoded);
    }
    if (audio) {
      this.stats.decoded++;
      this.expected = item.timestamp + audio.length;
    } else {
      // Undecodable: its time is filled when the next packet shows how long it was.
      this.stats.failed++;
      if (this.expected !== null && item.timestamp > this.expected) this.expected = item.timestamp;
    }
    if (!fill) return audio ?? new Float32Array(0);
    if (!audio) return fill;
    const out = new Float32Array(fill.length + audio.length);
    out.set(fill);
    out.set(audio, fill.length);
    return out;
  }

  free(): void {
    this.decoder.free();
  }

  private fill(samples: number): Float32Array {
    this.stats.filled += samples;
    const out = new Float32Array(samples);
    if (!this.concealment) return out;
    const concealed = this.decoder.decodeFrame(new Uint8Array(0));
    if (concealed.errors.length > 0) return out;
    const mono = downmix(concealed.channelData, Math.min(concealed.samplesDecoded, PLC_SAMPLES, samples));
    out.set(mono);
    return out;
  }
}

function downmix(channels: Float32Array[], length: number): Float32Array {
  const out = new Float32Array(length);
  const count = channels.length;
  for (const channel of channels) for (let i = 0; i < length; i++) out[i]! += channel[i]! / count;
  return out;
}
