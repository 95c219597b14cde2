// Ogg Opus reading, on files opusenc makes from real speech and on broken ones.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { MAX_OGG_PAGE_BYTES, OggError, oggFilePackets, oggPackets, readOggOpus, type PositionedReader } from '../../../server/inference/audio/ogg-opus.js';
import { requireTools, speechWav } from '../../helpers/speech.js';

describe('Ogg Opus files', () => {
  let file: Buffer;
  let seconds: number;

  before(function () {
    requireTools(this, 'flite', 'sox', 'opusenc');
    const wav = speechWav('the second chapter was the best', { padAfter: 0.3 });
    const ogg = path.join(path.dirname(wav), 'speech.opus');
    execFileSync('opusenc', ['--quiet', '--framesize', '20', wav, ogg]);
    file = fs.readFileSync(ogg);
    seconds = Number(execFileSync('soxi', ['-D', wav]).toString().trim());
  });

  it('reads the header and one 20 ms packet per frame of the audio', () => {
    const { head, packets } = readOggOpus(file);
    assert.equal(head.channels, 1);
    assert.equal(head.inputRate, 16_000);
    assert.ok(head.preSkip > 0);
    assert.ok(Math.abs(packets.length * 0.02 - seconds) < 0.1, `${packets.length} packets for ${seconds} s`);
    // Every packet is one 20 ms frame: TOC code 0 (one frame), and a configuration of 20 ms.
    const twentyMs = new Set([1, 5, 9, 13, 15, 19, 23, 27, 31]); // RFC 6716 table 2
    assert.ok(packets.every((p) => p.length > 0 && p.length < 1500 && ((p[0] as number) & 3) === 0 && twentyMs.has((p[0] as number) >> 3)));
  });

  it('refuses what is not Ogg Opus, truncated or foreign, with a reason', () => {
    assert.throws(() => readOggOpus(Buffer.from('RIFF....WAVEfmt ')), OggError);
    assert.throws(() => oggPackets(file.subarray(0, file.length - 10)), /truncated/);
    const notOpus = Buffer.from(file);
    notOpus.write('OpusHeaX', notOpus.indexOf('OpusHead'), 'latin1');
    assert.throws(() => readOggOpus(notOpus), /OpusHead/);
    assert.throws(() => oggPackets(file, 3), /more than 3 packets/);
  });

  it('reads a long file page by page from a file handle: the same packets, no read larger than a page', async function () {
    this.timeout(60_000);
    // About two minutes of speech: many pages, and far more bytes than one page.
    const wav = speechWav('the second chapter was the best', { padAfter: 0.3 });
    const longWav = path.join(path.dirname(wav), 'long.wav');
    execFileSync('sox', [wav, longWav, 'repeat', '60']);
    const longOgg = path.join(path.dirname(wav), 'long.opus');
    execFileSync('opusenc', ['--quiet', '--framesize', '20', longWav, longOgg]);
    const whole = fs.readFileSync(longOgg);
    assert.ok(whole.length > 5 * MAX_OGG_PAGE_BYTES, `${whole.length} bytes`);

    const handle = await fs.promises.open(longOgg, 'r');
    const reads: number[] = [];
    const spy: PositionedReader = {
      read: async (buffer, offset, length, position) => {
        reads.push(length);
        return handle.read(buffer, offset, length, position);
      },
    };
    const streamed: Buffer[] = [];
    try {
      for await (const packet of oggFilePackets(spy, whole.length)) streamed.push(packet);
    } finally {
      await handle.close();
    }
    const expected = oggPackets(whole);
    assert.equal(streamed.length, expected.length);
    assert.ok(streamed.every((p, i) => p.equals(expected[i]!)), 'the same packets in the same order');
    assert.ok(Math.max(...reads) <= MAX_OGG_PAGE_BYTES, `largest read ${Math.max(...reads)} bytes`);
    assert.equal(reads.reduce((sum, n) => sum + n, 0), whole.length, 'every byte read once');
  });

  it('refuses a truncated file read from a handle, and a packet over its size limit', async () => {
    const reader = (data: Buffer): PositionedReader => ({
      read: async (buffer, offset, length, position) => ({ bytesRead: data.copy(buffer, offset, position, Math.min(position + length, data.length)) }),
    });
    const drain = async (data: Buffer, size: number, maxPacketBytes?: number) => {
      for await (const packet of oggFilePackets(reader(data), size, { maxPacketBytes })) assert.ok(packet);
    };
    await assert.rejects(drain(file.subarray(0, file.length - 10), file.length - 10), /truncated/);
    await assert.rejects(drain(file, file.length + 100), OggError);
    await assert.rejects(drain(file, file.length, 8), /a packet longer than 8 bytes/);
  });
});
