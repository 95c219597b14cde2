import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { RtpReorderer, type OrderedPayload } from '../../../server/inference/audio/jitter.js';
import { parseRtp, RtpError } from '../../../server/inference/audio/rtp.js';
import { marked, packetSeries, rtpPacket } from './rtp-fixtures.js';

const ids = (out: OrderedPayload[]) => out.map((p) => p.payload.readUInt32BE(0));
const pushAll = (r: RtpReorderer, packets: Buffer[]) => packets.flatMap((p) => r.push(p));

describe('RTP depacketizing', () => {
  it('finds the payload behind CSRCs, a header extension and padding', () => {
    const payload = randomBytes(37);
    const packet = rtpPacket({ sequence: 7, timestamp: 9, payload, csrcs: [1, 2, 3], extension: randomBytes(8), padding: 5 });
    const parsed = parseRtp(packet);
    assert.deepEqual(parsed.payload, payload);
    assert.equal(parsed.sequence, 7);
    assert.equal(parsed.timestamp, 9);
  });

  it('refuses what cannot be RTP with a stable code, and the stream goes on', () => {
    const cut = rtpPacket({ sequence: 1, timestamp: 0, payload: Buffer.alloc(0), extension: Buffer.alloc(8) }).subarray(0, 14);
    const overPadded = rtpPacket({ sequence: 1, timestamp: 0, payload: Buffer.alloc(2), padding: 1 });
    overPadded[overPadded.length - 1] = 200;
    for (const bad of [Buffer.alloc(5), Buffer.from('00'.repeat(12), 'hex'), cut, overPadded]) {
      assert.throws(() => parseRtp(bad), (err: unknown) => err instanceof RtpError && err.code === 'rtp_malformed');
    }
    const r = new RtpReorderer();
    assert.deepEqual(r.push(Buffer.alloc(5)), []);
    assert.deepEqual(ids(r.push(packetSeries(1)[0]!)), [0]);
    assert.equal(r.stats.malformed, 1);
  });

  it('puts reordered packets back in sequence order', () => {
    const p = packetSeries(6);
    const r = new RtpReorderer({ window: 4 });
    const out = pushAll(r, [p[0]!, p[2]!, p[1]!, p[5]!, p[3]!, p[4]!]);
    assert.deepEqual(ids(out), [0, 1, 2, 3, 4, 5]);
    assert.ok(out.every((o) => o.lost === 0));
  });

  it('drops duplicates, whether still held or already played', () => {
    const p = packetSeries(4);
    const r = new RtpReorderer({ window: 4 });
    const out = pushAll(r, [p[0]!, p[2]!, p[2]!, p[1]!, p[0]!, p[3]!]);
    assert.deepEqual(ids(out), [0, 1, 2, 3]);
    assert.equal(r.stats.duplicates, 1);
    assert.equal(r.stats.late, 1);
  });

  it('reports a lost packet once `window` later packets have come, with the timestamps showing its time', () => {
    const p = packetSeries(8);
    const r = new RtpReorderer({ window: 3 });
    assert.deepEqual(ids(pushAll(r, [p[0]!, p[1]!, p[3]!, p[4]!])), [0, 1]); // still waiting for 2
    const out = r.push(p[5]!);
    assert.deepEqual(ids(out), [3, 4, 5]);
    assert.equal(out[0]!.lost, 1);
    assert.equal(out[0]!.timestamp - 960 * 2, pushAll(new RtpReorderer(), [p[1]!])[0]!.timestamp);
    assert.deepEqual(r.push(p[2]!), [], 'a packet arriving after its place was given up is dropped');
    assert.deepEqual(ids(r.push(p[6]!)), [6], 'and the stream goes on');
    assert.equal(r.stats.late, 1);
    assert.equal(r.stats.lost, 1);
  });

  it('unwraps sequence numbers and timestamps across their wrap, even reordered around it', () => {
    const first = { sequence: 65_533, timestamp: 0x1_0000_0000 - 960 * 3 };
    const p = packetSeries(7, first);
    const r = new RtpReorderer({ window: 4 });
    const out = pushAll(r, [p[0]!, p[1]!, p[3]!, p[2]!, p[5]!, p[4]!, p[6]!]);
    assert.deepEqual(ids(out), [0, 1, 2, 3, 4, 5, 6]);
    assert.deepEqual(out.map((o) => o.sequence - first.sequence), [0, 1, 2, 3, 4, 5, 6]);
    assert.deepEqual(out.map((o) => o.timestamp - first.timestamp), [0, 1, 2, 3, 4, 5, 6].map((i) => i * 960));
    assert.ok(out.every((o) => o.lost === 0));
  });

  it('holds at most `window` packets however many go missing', () => {
    const r = new RtpReorderer({ window: 5 });
    let emitted = 0;
    let maxHeld = 0;
    for (let i = 0; i < 10_000; i++) {
      if (i % 3 === 1) continue; // one in three lost
      emitted += r.push(rtpPacket({ sequence: i, timestamp: i * 960, payload: marked(i) })).length;
      maxHeld = Math.max(maxHeld, r.holding);
    }
    emitted += r.flush().length;
    assert.ok(maxHeld <= 5, `held ${maxHeld}`);
    assert.equal(emitted, 6_667);
    assert.equal(r.stats.lost, 3_333, 'every missing packet reported once');
  });

  it('hands over what it holds at the end of the stream, and on a new SSRC', () => {
    const p = packetSeries(4);
    const r = new RtpReorderer({ window: 8 });
    assert.deepEqual(ids(pushAll(r, [p[0]!, p[2]!, p[3]!])), [0]);
    const fresh = rtpPacket({ sequence: 10, timestamp: 123, ssrc: 0x55, payload: marked(99) });
    const out = r.push(fresh);
    assert.deepEqual(ids(out), [2, 3, 99]);
    assert.equal(out[0]!.lost, 1);
    assert.equal(out[2]!.timestamp, 123);
    assert.deepEqual(r.flush(), []);
  });
});
