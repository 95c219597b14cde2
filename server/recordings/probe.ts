// What an uploaded recording is, from its bytes rather than its name: a WAV (RIFF/WAVE) or an
// Ogg Opus file (OggS with OpusHead), with its channels, rate and length. Only the head of the
// file and, for Ogg, its last page are read.
import fs from 'node:fs';
import type { RecordingFormat } from '../../shared/protocol/recordings.js';
import { parseWavHeader, isWav, WAV_HEADER_BYTES, WavError } from '../inference/audio/wav.js';
import { OPUS_RATE } from '../inference/audio/opus-stream.js';

export interface RecordingProbe {
  format: RecordingFormat;
  channels: number;
  sampleRate: number;
  seconds: number;
}

export type ProbeOutcome = { ok: true; probe: RecordingProbe } | { ok: false; reason: string; unsupported: boolean };

/** Where the Opus identification header sits in an Ogg file whose first page holds only it. */
const FIRST_PACKET = (segments: number) => 27 + segments;
const TAIL_BYTES = 256 * 1024;

async function readAt(file: fs.promises.FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

export async function probeRecording(path: string): Promise<ProbeOutcome> {
  const file = await fs.promises.open(path, 'r');
  try {
    const size = (await file.stat()).size;
    const head = await readAt(file, 0, WAV_HEADER_BYTES);
    if (isWav(head)) {
      try {
        const info = parseWavHeader(head, size);
        if (info.frames === 0) return { ok: false, reason: 'the WAV file holds no audio', unsupported: false };
        return { ok: true, probe: { format: 'wav', channels: info.channels, sampleRate: info.sampleRate, seconds: info.frames / info.sampleRate } };
      } catch (err) {
        if (err instanceof WavError) return { ok: false, reason: err.message, unsupported: false };
        throw err;
      }
    }
    if (head.length >= 27 && head.toString('latin1', 0, 4) === 'OggS') {
      const at = FIRST_PACKET(head[26]!);
      if (head.length < at + 19 || head.toString('latin1', at, at + 8) !== 'OpusHead') return { ok: false, reason: 'an Ogg file that is not Ogg Opus (no OpusHead)', unsupported: true };
      const channels = head[at + 9]!;
      const preSkip = head.readUInt16LE(at + 10);
      const serial = head.readUInt32LE(14);
      const granule = lastGranule(await readAt(file, Math.max(0, size - TAIL_BYTES), TAIL_BYTES), serial);
      if (granule === null) return { ok: false, reason: 'the Ogg Opus file has no final page with a position (truncated?)', unsupported: false };
      const seconds = Math.max(0, granule - preSkip) / OPUS_RATE;
      if (channels < 1) return { ok: false, reason: 'the Ogg Opus file has no channels', unsupported: false };
      if (seconds === 0) return { ok: false, reason: 'the Ogg Opus file holds no audio', unsupported: false };
      return { ok: true, probe: { format: 'ogg-opus', channels, sampleRate: OPUS_RATE, seconds } };
    }
    return { ok: false, reason: 'not a WAV or Ogg Opus file (by its content)', unsupported: true };
  } finally {
    await file.close();
  }
}

/** The granule position of the stream's last page within `tail` (null when none has one). */
function lastGranule(tail: Buffer, serial: number): number | null {
  for (let at = tail.lastIndexOf('OggS'); at >= 0; at = at === 0 ? -1 : tail.lastIndexOf('OggS', at - 1)) {
    if (at + 27 > tail.length || tail.readUInt32LE(at + 14) !== serial) continue;
    const granule = tail.readBigInt64LE(at + 6);
    if (granule >= 0n) return Number(granule);
  }
  return null;
}
