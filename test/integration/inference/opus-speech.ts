// Real speech as a browser would send it: flite's voice, Opus-encoded by opusenc in 20 ms
// frames, then RTP packets on the Opus clock (48 kHz).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readOggOpus } from '../../../server/inference/audio/ogg-opus.js';
import { rtpPacket } from '../../unit/inference/rtp-fixtures.js';

/** Opus packets (20 ms each) of 16 kHz audio; `channels` 2 puts `right` (or silence) on the right. */
export function opusPackets(left: Float32Array, right?: Float32Array): Buffer[] {
  const channels = right ? 2 : 1;
  const pcm = Buffer.alloc(left.length * 2 * channels);
  for (let i = 0; i < left.length; i++) {
    pcm.writeInt16LE(Math.round(Math.max(-1, Math.min(1, left[i]!)) * 32_767), i * 2 * channels);
    if (right) pcm.writeInt16LE(Math.round(Math.max(-1, Math.min(1, right[i] ?? 0)) * 32_767), i * 4 + 2);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roundtable-opus-'));
  try {
    const raw = path.join(dir, 'in.raw');
    const out = path.join(dir, 'out.opus');
    fs.writeFileSync(raw, pcm);
    execFileSync('opusenc', ['--quiet', '--raw', '--raw-rate', '16000', '--raw-chan', String(channels), '--raw-bits', '16', '--framesize', '20', '--bitrate', '32', raw, out]);
    return readOggOpus(fs.readFileSync(out)).packets;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export interface RtpStreamOptions {
  sequence?: number;
  timestamp?: number;
  ssrc?: number;
}

/** One RTP packet per Opus packet, 960 ticks apart, with the header extension browsers add. */
export function rtpStream(payloads: Buffer[], options: RtpStreamOptions = {}): Buffer[] {
  const { sequence = 65_400, timestamp = 0xffff_0000, ssrc = 0x2badf00d } = options;
  return payloads.map((payload, i) =>
    rtpPacket({ sequence: (sequence + i) & 0xffff, timestamp: (timestamp + i * 960) >>> 0, ssrc, payloadType: 100, payload, extension: Buffer.from([0x10, 0x7f, 0, 0]) }),
  );
}

/** What a network does to a stream: pairs swapped, some packets twice, the listed ones lost. */
export function jumble(packets: Buffer[], lost: Set<number>): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < packets.length; i += 2) {
    const pair = [i + 1, i].filter((j) => j < packets.length && !lost.has(j));
    for (const j of pair) {
      out.push(packets[j]!);
      if (j % 17 === 0) out.push(packets[j]!);
    }
  }
  return out;
}
