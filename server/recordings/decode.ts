// A stored recording as 16 kHz audio, one array per channel, in chunks: WAV read a bounded
// chunk at a time from disk; Ogg Opus read page by page from disk and decoded packet by packet.
// Each channel is resampled with a proper low-pass (48 kHz: the FIR decimator; any other rate:
// windowed sinc).
import fs from 'node:fs';
import { OpusDecoder } from 'opus-decoder';
import type { RecordingFormat } from '../../shared/protocol/recordings.js';
import { oggFilePackets, OggError } from '../inference/audio/ogg-opus.js';
import { resamplerTo16k, type Resampler } from '../inference/audio/sinc-resampler.js';
import { deinterleave, parseWavHeader, WAV_HEADER_BYTES } from '../inference/audio/wav.js';

/** Frames read from a WAV file per step (a second at 48 kHz). */
const WAV_CHUNK_FRAMES = 48_000;

export class RecordingDecodeError extends Error {}

/** The channels of the recording at 16 kHz, chunk by chunk; resamplers flushed at the end. */
export async function* decodeRecording(path: string, format: RecordingFormat): AsyncGenerator<Float32Array[]> {
  const source = format === 'wav' ? wavChannels(path) : oggOpusChannels(path);
  let resamplers: Resampler[] | null = null;
  for await (const { rate, channels } of source) {
    resamplers ??= channels.map(() => resamplerTo16k(rate));
    yield channels.map((c, i) => resamplers![i]!.process(c));
  }
  if (resamplers) yield resamplers.map((r) => r.flush());
}

interface RawChunk {
  rate: number;
  channels: Float32Array[];
}

async function* wavChannels(path: string): AsyncGenerator<RawChunk> {
  const file = await fs.promises.open(path, 'r');
  try {
    const size = (await file.stat()).size;
    const head = Buffer.alloc(WAV_HEADER_BYTES);
    const { bytesRead } = await file.read(head, 0, head.length, 0);
    const info = parseWavHeader(head.subarray(0, bytesRead), size);
    const chunk = Buffer.alloc(WAV_CHUNK_FRAMES * info.blockAlign);
    for (let frame = 0; frame < info.frames; frame += WAV_CHUNK_FRAMES) {
      const frames = Math.min(WAV_CHUNK_FRAMES, info.frames - frame);
      const { bytesRead: got } = await file.read(chunk, 0, frames * info.blockAlign, info.dataOffset + frame * info.blockAlign);
      if (got < info.blockAlign) break; // the file shrank under us: what was read stands
      yield { rate: info.sampleRate, channels: deinterleave(chunk.subarray(0, got), info) };
    }
  } finally {
    await file.close();
  }
}

interface OpusHeader {
  channels: number;
  preSkip: number;
  streamCount: number;
  coupledStreamCount: number;
  mapping: number[];
}

function opusHeader(head: Buffer | undefined): OpusHeader {
  if (!head || head.length < 19 || head.toString('latin1', 0, 8) !== 'OpusHead') throw new RecordingDecodeError('not an Ogg Opus file (no OpusHead)');
  const channels = head[9]!;
  const family = head[18]!;
  if (family === 0) {
    if (channels < 1 || channels > 2) throw new RecordingDecodeError(`Ogg Opus mapping family 0 with ${channels} channels`);
    return { channels, preSkip: head.readUInt16LE(10), streamCount: 1, coupledStreamCount: channels - 1, mapping: channels === 1 ? [0] : [0, 1] };
  }
  if (head.length < 21 + channels) throw new RecordingDecodeError('Ogg Opus channel mapping is truncated');
  return { channels, preSkip: head.readUInt16LE(10), streamCount: head[19]!, coupledStreamCount: head[20]!, mapping: [...head.subarray(21, 21 + channels)] };
}

async function* oggOpusChannels(path: string): AsyncGenerator<RawChunk> {
  const file = await fs.promises.open(path, 'r');
  try {
    // Page by page from disk: an hour of Opus is never held whole in memory.
    const packets = oggFilePackets(file, (await file.stat()).size);
    const header = opusHeader(await nextPacket(packets));
    await nextPacket(packets); // OpusTags
    yield* decodeOpus(header, packets);
  } catch (err) {
    if (err instanceof OggError) throw new RecordingDecodeError(`unreadable Ogg file: ${err.message}`);
    throw err;
  } finally {
    await file.close();
  }
}

async function nextPacket(packets: AsyncGenerator<Buffer>): Promise<Buffer | undefined> {
  const next = await packets.next();
  return next.done ? undefined : next.value;
}

async function* decodeOpus(header: OpusHeader, packets: AsyncGenerator<Buffer>): AsyncGenerator<RawChunk> {
  const decoder = new OpusDecoder({ channels: header.channels, streamCount: header.streamCount, coupledStreamCount: header.coupledStreamCount, channelMappingTable: header.mapping });
  await decoder.ready;
  try {
    let skip = header.preSkip;
    for await (const packet of packets) {
      const decoded = decoder.decodeFrame(packet);
      // A damaged packet is its own time in silence, not the end of the recording.
      const length = decoded.errors.length > 0 ? 0 : decoded.samplesDecoded;
      const start = Math.min(skip, length);
      skip -= start;
      if (length - start === 0) continue;
      const channels = Array.from({ length: header.channels }, (_, c) => (decoded.channelData[c] ?? new Float32Array(length)).slice(start, length));
      yield { rate: 48_000, channels };
    }
  } finally {
    decoder.free();
  }
}
