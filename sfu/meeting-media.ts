// What a peer does with its media: transports, producing, consuming. Each function checks the
// media rules (one producer per source, publish rights, the moderator's microphone lock, no
// SSRC or MID sent twice) and leaves mediasoup to validate the RTP parameters themselves.
import type * as mediasoup from 'mediasoup';
import { AppError } from '../shared/errors.js';
import type {
  ConsumerReply,
  DtlsParametersPayload,
  MediaClientPayload,
  TransportOptionsReply,
} from '../shared/protocol/meetings-media.js';
import { clientMedia, notFound, unsupportedMedia, type MediaCall, type MediaOperation } from './errors.js';
import { KeyFrameWatch } from './key-frame-watch.js';
import type { Meeting } from './meeting.js';
import type { Direction, Peer, PeerConsumer, PeerTransport } from './peer.js';
import type { RouterSlot } from './router-set.js';
import { layerTrace, logLayers, markResumed } from './layer-trace.js';
import { assertNewStreamIds } from './stream-ids.js';

/** False once the meeting was rebuilt or its routers are closing: nothing is announced then. */
function announcing(meeting: Meeting, generation: number, slot: RouterSlot): boolean {
  return meeting.generation === generation && !slot.router.closed;
}

/** Throws when the meeting was rebuilt (or the peer left) while the caller awaited. */
function stillCurrent(meeting: Meeting, peer: Peer, generation: number, created?: { close(): void }): void {
  if (meeting.generation === generation && !meeting.closed && !peer.leaving) return;
  created?.close();
  throw new AppError('conflict', 'The meeting was reconnected meanwhile; create your transports again');
}

/**
 * Throws when the transport closed while the worker answered (a second tab took the peer over):
 * what it created died with it in the worker, and kept in our books it would block its source.
 */
function transportOpen(transport: { readonly closed: boolean }, created: { close(): void }): void {
  if (!transport.closed) return;
  created.close();
  throw new AppError('conflict', 'Your transport closed meanwhile; create it again');
}

/** A media call on the peer's input, for clientMedia (its refusals are logged under these names). */
function callOf(meeting: Meeting, peer: Peer, operation: MediaOperation): MediaCall {
  return { operation, logger: meeting.logger, meetingId: meeting.id, userId: peer.userId };
}

const creatingAlready = (direction: Direction) => () => new AppError('conflict', `A ${direction} transport is being created already; wait for it`);

/** Closes what was just created when a follow-up step fails, so nothing is left unowned. */
async function orClose<T>(created: { close(): void }, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    created.close();
    throw err;
  }
}

const connectedAlready = () => new AppError('conflict', 'This transport is connected already');

function transportOf(peer: Peer, transportId: string, direction?: Direction): PeerTransport {
  const entry = peer.transport(transportId);
  if (!entry || (direction && entry.direction !== direction)) throw notFound(direction ? `${direction} transport` : 'Transport');
  return entry;
}

export function createWebRtcTransport(meeting: Meeting, peer: Peer, input: MediaClientPayload<'transport:create'>): Promise<TransportOptionsReply> {
  const { direction } = input;
  return peer.holding('create', direction, creatingAlready(direction), async () => {
    const reply = await createWebRtcTransportNow(meeting, peer, direction);
    if (input.rtp_capabilities) peer.rememberCapabilities(input.rtp_capabilities);
    if (direction !== 'recv' || !peer.rtpCapabilities) return reply;
    return { ...reply, consumers: await consumeAllWith(meeting, peer, reply.id) };
  });
}

async function createWebRtcTransportNow(meeting: Meeting, peer: Peer, direction: Direction): Promise<TransportOptionsReply> {
  const generation = await meeting.settled();
  const { settings } = meeting.ctx;
  const transport = await peer.slot.router.createWebRtcTransport({
    listenIps: [{ ip: settings.listenIp, announcedIp: settings.announcedIp }],
    enableUdp: true,
    enableTcp: true,
    preferUdp: true,
    initialAvailableOutgoingBitrate: 600_000,
    appData: { userId: peer.userId, direction },
  });
  if (direction === 'send') await orClose(transport, () => transport.setMaxIncomingBitrate(settings.maxIncomingBitrate));
  stillCurrent(meeting, peer, generation, transport);
  peer.adoptTransport({ transport, direction, plain: false, connected: false });
  return { id: transport.id, iceParameters: transport.iceParameters, iceCandidates: transport.iceCandidates, dtlsParameters: transport.dtlsParameters };
}

/**
 * A consumer (paused) of every producer of the others, made with a new receive transport and
 * sent in its reply, so a joining client consumes them without a `consume` each. Measured
 * against client-initiated consumes in a room of six (bench/meeting/join-to-first-frame.ts,
 * interleaved, 40 joins each): click to first frame p50 400 against 446 ms, p95 537 against
 * 1,378 ms. One the client cannot receive is left out; the client's own consume then says why.
 */
async function consumeAllWith(meeting: Meeting, peer: Peer, transportId: string): Promise<ConsumerReply[]> {
  const producerIds = meeting.othersThan(peer.userId).flatMap((userId) => (meeting.peer(userId)?.producers() ?? []).map((entry) => entry.producer.id));
  const made = await Promise.allSettled(producerIds.map((producerId) => consume(meeting, peer, { meeting_id: meeting.id, transport_id: transportId, producer_id: producerId })));
  return made.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
}

/** For server-side peers (bots, load tests) that send and receive bare RTP. */
export function createPlainTransport(meeting: Meeting, peer: Peer, direction: Direction): Promise<{ id: string; ip: string; port: number }> {
  return peer.holding('create', direction, creatingAlready(direction), () => createPlainTransportNow(meeting, peer, direction));
}

async function createPlainTransportNow(meeting: Meeting, peer: Peer, direction: Direction): Promise<{ id: string; ip: string; port: number }> {
  const generation = await meeting.settled();
  const { settings } = meeting.ctx;
  const transport = await peer.slot.router.createPlainTransport({ listenIp: { ip: settings.listenIp, announcedIp: settings.announcedIp }, rtcpMux: true, comedia: false });
  if (direction === 'send') await orClose(transport, () => transport.setMaxIncomingBitrate(settings.maxIncomingBitrate));
  stillCurrent(meeting, peer, generation, transport);
  peer.adoptTransport({ transport, direction, plain: true, connected: false });
  return { id: transport.id, ip: settings.announcedIp ?? transport.tuple.localIp, port: transport.tuple.localPort };
}

export async function connectTransport(meeting: Meeting, peer: Peer, transportId: string, dtlsParameters: DtlsParametersPayload): Promise<void> {
  const entry = transportOf(peer, transportId);
  if (entry.plain) throw new AppError('bad_request', 'This transport takes an address, not DTLS parameters');
  const { transport } = entry;
  await peer.connectOnce(entry, connectedAlready, () => clientMedia(callOf(meeting, peer, 'transport:connect'), () => transport.connect({ dtlsParameters })));
}

export async function connectPlainTransport(meeting: Meeting, peer: Peer, transportId: string, remote: { ip: string; port: number }): Promise<void> {
  const entry = transportOf(peer, transportId);
  if (!entry.plain) throw new AppError('bad_request', 'This transport takes DTLS parameters, not an address');
  const { transport } = entry;
  await peer.connectOnce(entry, connectedAlready, () =>
    clientMedia(callOf(meeting, peer, 'plain-transport:connect'), () => transport.connect({ ip: remote.ip, port: remote.port })),
  );
}

export async function restartIce(peer: Peer, transportId: string): Promise<{ iceParameters: mediasoup.types.IceParameters }> {
  const entry = transportOf(peer, transportId);
  if (entry.plain) throw new AppError('bad_request', 'A plain RTP transport has no ICE');
  return { iceParameters: await entry.transport.restartIce() };
}

const forbiddenToPublish = () => new AppError('forbidden', 'A moderator has withdrawn your right to publish');

export function produce(meeting: Meeting, peer: Peer, input: MediaClientPayload<'produce'>): Promise<{ id: string; paused: boolean }> {
  if (!peer.rights.can_publish) throw forbiddenToPublish();
  const publishing = () => new AppError('conflict', `You already publish a ${input.source} stream; close it first`);
  if (peer.producerFor(input.source)) throw publishing();
  return peer.holding('produce', input.source, publishing, () => produceNow(meeting, peer, input));
}

async function produceNow(meeting: Meeting, peer: Peer, input: MediaClientPayload<'produce'>): Promise<{ id: string; paused: boolean }> {
  const generation = await meeting.settled();
  const { transport } = transportOf(peer, input.transport_id, 'send');
  const slot = peer.slot;
  // A locked microphone starts paused, whatever the client asked.
  const paused = input.paused || (input.source === 'mic' && peer.rights.mic_locked);
  assertNewStreamIds(peer, input.rtp_parameters);
  const producer = await clientMedia(callOf(meeting, peer, 'produce'), () =>
    transport.produce({ kind: input.kind, rtpParameters: input.rtp_parameters, paused, appData: { userId: peer.userId, source: input.source } }),
  );
  // A moderator may have acted while the worker answered: what they decided holds for this
  // producer too (it was not among the peer's producers yet). Nothing below awaits after the checks.
  if (input.source === 'mic' && peer.rights.mic_locked && !producer.paused) await orClose(producer, () => producer.pause());
  stillCurrent(meeting, peer, generation, producer);
  transportOpen(transport, producer);
  if (!peer.rights.can_publish) {
    producer.close();
    throw forbiddenToPublish();
  }
  const entry = { producer, source: input.source, slot };
  meeting.addProducer(peer, entry);
  producer.observer.once('close', () => {
    if (!meeting.removeProducer(peer, entry)) return;
    if (!announcing(meeting, generation, slot)) return;
    const reason = meeting.closeReasonOf(producer, peer);
    const toOwner = reason === 'moderator' || reason === 'publish_revoked';
    const to = toOwner ? meeting.everyone() : meeting.othersThan(peer.userId);
    meeting.emit('producer:closed', to, { meeting_id: meeting.id, producer_id: producer.id, user_id: peer.userId, reason });
  });
  if (producer.kind === 'audio') {
    meeting.observeSpeech(producer.id, peer).catch((err: Error) => {
      if (!producer.closed) meeting.logger.warn({ err: err.message, meetingId: meeting.id }, 'could not observe an audio producer');
    });
    if (meeting.tapsAudioOf(peer)) void meeting.ctx.taps?.start(slot.router, producer, meeting.id, peer.userId);
  }
  const info = { id: producer.id, user_id: peer.userId, kind: producer.kind, source: input.source, paused: producer.paused };
  meeting.emit('producer:new', meeting.othersThan(peer.userId), { meeting_id: meeting.id, producer: info });
  return { id: producer.id, paused: producer.paused };
}

const noCapabilities = () =>
  new AppError('bad_request', 'Your RTP capabilities are not known yet: send them with transport:create (direction recv) or meeting:join, or with this consume');

export function consume(meeting: Meeting, peer: Peer, input: MediaClientPayload<'consume'>): Promise<ConsumerReply> {
  const consumingAlready = () => new AppError('conflict', 'You already consume this producer');
  return peer.holding('consume', input.producer_id, consumingAlready, () => consumeNow(meeting, peer, input));
}

async function consumeNow(meeting: Meeting, peer: Peer, input: MediaClientPayload<'consume'>): Promise<ConsumerReply> {
  const generation = await meeting.settled();
  const { transport } = transportOf(peer, input.transport_id, 'recv');
  const owner = meeting.ownerOf(input.producer_id);
  const source = owner?.producer(input.producer_id);
  if (!owner || !source) throw notFound('Producer');
  if (owner === peer) throw new AppError('bad_request', 'You cannot consume your own producer');
  if (peer.consumes(input.producer_id)) throw new AppError('conflict', 'You already consume this producer');
  const rtpCapabilities = input.rtp_capabilities ?? peer.rtpCapabilities;
  if (!rtpCapabilities) throw noCapabilities();
  const slot = peer.slot;
  await meeting.routers.bring(input.producer_id, source.slot, slot);
  stillCurrent(meeting, peer, generation);
  if (!slot.router.canConsume({ producerId: input.producer_id, rtpCapabilities })) {
    throw unsupportedMedia('consume');
  }
  // Without a preference mediasoup aims a layered consumer at the top spatial layer, which the
  // initial bandwidth estimate affords only at temporal layer 0 (a stalled start); start lower.
  const preferredLayers = source.producer.kind === 'video' ? { spatialLayer: meeting.ctx.settings.startSpatialLayer } : undefined;
  const consumer = await clientMedia(callOf(meeting, peer, 'consume'), () =>
    transport.consume({ producerId: input.producer_id, rtpCapabilities, paused: true, preferredLayers, appData: { userId: peer.userId } }),
  );
  stillCurrent(meeting, peer, generation, consumer);
  transportOpen(transport, consumer);
  const keyFrames = new KeyFrameWatch(consumer, meeting.ctx.clock, meeting.ctx.settings.keyFrameRetryMs);
  const entry = { consumer, slot, ownerId: owner.userId, source: source.source, keyFrames };
  peer.addConsumer(entry);
  slot.consumers += 1;
  consumer.observer.once('close', () => {
    slot.consumers -= 1;
    peer.removeConsumer(entry);
  });
  consumer.on('producerclose', () => {
    if (peer.consumer(consumer.id) !== entry || !announcing(meeting, generation, slot)) return;
    peer.removeConsumer(entry);
    meeting.emit('consumer:closed', [peer.userId], { meeting_id: meeting.id, consumer_id: consumer.id, producer_id: consumer.producerId });
  });
  consumer.on('layerschange', (layers?: mediasoup.types.ConsumerLayers) => {
    keyFrames.layersChanged(layers);
    if (!announcing(meeting, generation, slot)) return;
    logLayers(meeting.logger, layerTrace(consumer, layers, { meetingId: meeting.id, userId: peer.userId }));
    meeting.emit('consumer:layers', [peer.userId], {
      meeting_id: meeting.id,
      consumer_id: consumer.id,
      spatial_layer: layers?.spatialLayer ?? null,
      temporal_layer: layers?.temporalLayer ?? null,
    });
  });
  return {
    id: consumer.id,
    producerId: consumer.producerId,
    kind: consumer.kind,
    rtpParameters: consumer.rtpParameters,
    type: consumer.type,
    producerPaused: consumer.producerPaused,
    user_id: owner.userId,
    source: source.source,
  };
}

function consumerEntry(peer: Peer, consumerId: string): PeerConsumer {
  const entry = peer.consumer(consumerId);
  if (!entry) throw notFound('Consumer');
  return entry;
}

function consumerOf(peer: Peer, consumerId: string): mediasoup.types.Consumer {
  return consumerEntry(peer, consumerId).consumer;
}

export async function resumeConsumer(peer: Peer, consumerId: string): Promise<void> {
  const { consumer, keyFrames } = consumerEntry(peer, consumerId);
  markResumed(consumer);
  keyFrames.resumed();
  await consumer.resume();
  if (!consumer.currentLayers) keyFrames.start();
}

export async function pauseConsumer(peer: Peer, consumerId: string): Promise<void> {
  const { consumer, keyFrames } = consumerEntry(peer, consumerId);
  keyFrames.stop();
  await consumer.pause();
}

export async function setConsumerLayers(meeting: Meeting, peer: Peer, input: MediaClientPayload<'consumer:set-layers'>): Promise<void> {
  const consumer = consumerOf(peer, input.consumer_id);
  const call = callOf(meeting, peer, 'consumer:set-layers');
  if (input.spatial_layer !== undefined) {
    await clientMedia(call, () => consumer.setPreferredLayers({ spatialLayer: input.spatial_layer!, temporalLayer: input.temporal_layer }));
  }
  if (input.priority !== undefined) await clientMedia(call, () => consumer.setPriority(input.priority!));
}

function ownProducer(peer: Peer, producerId: string) {
  const entry = peer.producer(producerId);
  if (!entry) throw notFound('Producer');
  return entry;
}

export async function pauseProducer(meeting: Meeting, peer: Peer, producerId: string): Promise<void> {
  const { producer } = ownProducer(peer, producerId);
  await producer.pause();
  meeting.emit('producer:paused', meeting.othersThan(peer.userId), { meeting_id: meeting.id, producer_id: producerId, user_id: peer.userId, by_moderator: false });
}

export async function resumeProducer(meeting: Meeting, peer: Peer, producerId: string): Promise<void> {
  const { producer, source } = ownProducer(peer, producerId);
  if (source === 'mic' && peer.rights.mic_locked) throw new AppError('forbidden', 'A moderator muted you; wait until you are allowed to speak');
  await producer.resume();
  meeting.emit('producer:resumed', meeting.othersThan(peer.userId), { meeting_id: meeting.id, producer_id: producerId, user_id: peer.userId });
}

export function closeProducer(meeting: Meeting, peer: Peer, producerId: string): void {
  meeting.closeProducer(ownProducer(peer, producerId).producer, 'closed');
}
