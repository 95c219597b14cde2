// Ogg Opus reading, on files opusenc makes from real speech and on broken ones.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { OggError, oggPackets, readOggOpus } from '../../../server/inference/audio/ogg-opus.js';
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
});

