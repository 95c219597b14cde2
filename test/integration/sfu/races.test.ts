// Limits the SFU checks before awaiting the worker hold for requests that arrive together, and
// what a moderator decides while a request waits on the worker applies to what it creates.
import assert from 'node:assert/strict';
import type { MediaClientPayload } from '../../../shared/protocol/meetings-media.js';
import { intentFor } from '../../helpers/rtp-bots.js';
import { opusProducerParameters } from '../../helpers/rtp-packets.js';
import { startSfu, type SfuFixture } from '../../helpers/sfu.js';

const codeOf = (result: PromiseSettledResult<unknown>): string => (result.status === 'fulfilled' ? 'ok' : String((result.reason as { code?: string }).code));

describe('sfu: requests that arrive together', function () {
  this.timeout(60_000);
  let sfu: SfuFixture;
  let nextMeeting = 61;

  before(async () => {
    sfu = await startSfu();
  });
  after(async () => {
    await sfu.close();
  });

  /** A new meeting with user 2 (a send transport) and user 3 (a recv transport) in it. */
  const meeting = async () => {
    const meetingId = (nextMeeting += 1);
    const joined = await sfu.hub.join(intentFor(meetingId, 2));
    await sfu.hub.join(intentFor(meetingId, 3));
    const send = await sfu.hub.createTransport(2, { meeting_id: meetingId, direction: 'send' });
    const recv = await sfu.hub.createTransport(3, { meeting_id: meetingId, direction: 'recv' });
    const mic = (ssrc: number): MediaClientPayload<'produce'> => ({ meeting_id: meetingId, transport_id: send.id, kind: 'audio', source: 'mic', rtp_parameters: opusProducerParameters(ssrc), paused: false });
    return { meetingId, send, recv, mic, capabilities: joined.rtp_capabilities };
  };
  const peerOf = (meetingId: number, userId: number) => sfu.hub.describe(meetingId)?.peers.find((p) => p.user_id === userId);

  it('publishes one microphone per person when two produce requests arrive together', async () => {
    const { meetingId, mic } = await meeting();
    const results = await Promise.allSettled([sfu.hub.produce(2, mic(1001)), sfu.hub.produce(2, mic(1002))]);
    assert.deepEqual(results.map(codeOf).sort(), ['conflict', 'ok']);
    assert.equal(peerOf(meetingId, 2)?.producers, 1);
  });

  it('consumes a producer once when two consume requests arrive together', async () => {
    const { meetingId, recv, mic, capabilities } = await meeting();
    const { id } = await sfu.hub.produce(2, mic(2001));
    const request = { meeting_id: meetingId, transport_id: recv.id, producer_id: id, rtp_capabilities: capabilities };
    const results = await Promise.allSettled([sfu.hub.consume(3, request), sfu.hub.consume(3, request)]);
    assert.deepEqual(results.map(codeOf).sort(), ['conflict', 'ok']);
    assert.equal(peerOf(meetingId, 3)?.consumers, 1);
  });

  it('creates one transport of a direction at a time', async () => {
    const { meetingId } = await meeting();
    const create = () => sfu.hub.createTransport(2, { meeting_id: meetingId, direction: 'send' });
    const results = await Promise.allSettled([create(), create(), create()]);
    assert.deepEqual(results.map(codeOf).sort(), ['conflict', 'conflict', 'ok']);
    assert.equal(peerOf(meetingId, 2)?.transports, 1);
    // Once it is done, the next one may replace it.
    await create();
  });

  it('applies a withdrawn right to publish to a producer the worker was still creating', async () => {
    const { meetingId, mic } = await meeting();
    const producing = sfu.hub.produce(2, mic(3001));
    await sfu.hub.setPublishRight({ meeting_id: meetingId, user_id: 2, allowed: false });
    await assert.rejects(producing, (err: { code?: string }) => err.code === 'forbidden');
    assert.equal(peerOf(meetingId, 2)?.producers, 0);
    assert.equal(sfu.received('producer:new', 3).filter((e) => e.meeting_id === meetingId).length, 0, 'nobody was told of it');
    // Positive control: allowed again, the same request publishes.
    await sfu.hub.setPublishRight({ meeting_id: meetingId, user_id: 2, allowed: true });
    await sfu.hub.produce(2, mic(3002));
    assert.equal(peerOf(meetingId, 2)?.producers, 1);
  });

  it('keeps a microphone locked by a moderator while the worker was creating it paused', async () => {
    const { meetingId, mic } = await meeting();
    const producing = sfu.hub.produce(2, mic(4001));
    // One turn of the event loop: the request is with the worker, whose answer comes through I/O.
    await new Promise(setImmediate);
    await sfu.hub.mute({ meeting_id: meetingId, user_id: 2, muted: true });
    const produced = await producing;
    assert.equal(produced.paused, true);
    const announced = sfu.received('producer:new', 3).find((e) => e.producer.id === produced.id);
    assert.equal(announced?.producer.paused, true, 'the others see it paused');
  });

  it('drops a producer whose transport a second tab closed while the worker was creating it', async () => {
    const { meetingId, mic } = await meeting();
    const producing = sfu.hub.produce(2, mic(5001));
    await new Promise(setImmediate);
    await sfu.hub.join(intentFor(meetingId, 2, { takeOver: true }));
    await assert.rejects(producing, (err: { code?: string }) => err.code === 'conflict');
    assert.equal(peerOf(meetingId, 2)?.producers, 0);
    // The new tab publishes its microphone on a transport of its own.
    const send = await sfu.hub.createTransport(2, { meeting_id: meetingId, direction: 'send' });
    await sfu.hub.produce(2, { ...mic(5002), transport_id: send.id });
    assert.equal(peerOf(meetingId, 2)?.producers, 1);
  });
});
