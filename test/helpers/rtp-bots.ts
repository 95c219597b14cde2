// Bot peers for SFU tests and benchmarks: each joins a meeting through the MeetingHub, sends
// real RTP (Opus and VP8, optionally simulcast) from a UDP socket into a PlainTransport, and
// counts what its consumers receive on another socket, with losses read from sequence gaps.
import dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
import type { JoinIntent, MeetingHub } from '../../sfu/meeting-hub.js';
import type { ConsumerReply, JoinReply, RtpCapabilitiesPayload } from '../../shared/protocol/meetings-media.js';
import { opusPacket, opusProducerParameters, readRtp, senderReport, vp8Frame, vp8ProducerParameters } from './rtp-packets.js';

export interface BotOptions {
  audio?: boolean;
  video?: false | 'simple' | 'simulcast';
  /** Audio level sent: 127 is silence; 20 counts as talking. */
  levelDbov?: number;
  videoPayloadBytes?: number;
  /** RTP packets per video frame (each of videoPayloadBytes). */
  packetsPerFrame?: number;
  /** A key frame every this many video frames (30 per second). */
  keyFrameEvery?: number;
  /** Don't send yet; call start(). */
  idle?: boolean;
  /** Real 20 ms Opus frames (speech) sent first, in order, then silence frames. */
  speech?: Buffer[];
}

interface Received {
  consumer: ConsumerReply;
  ssrc: number;
  packets: number;
  /** Extended sequence numbers of the first and last packet counted. */
  first: number | null;
  last: number;
}

let nextSsrc = 100_000;
const AUDIO_MS = 20;
const FRAME_MS = 1000 / 30;
const REPORT_MS = 500;

// One timer drives every sending bot (hundreds of bots would otherwise mean thousands of timers).
const sending = new Set<RtpBot>();
let ticker: NodeJS.Timeout | null = null;

function startTicking(bot: RtpBot): void {
  sending.add(bot);
  ticker ??= setInterval(() => {
    const now = performance.now();
    for (const b of sending) b.tick(now);
  }, 5);
}

function stopTicking(bot: RtpBot): void {
  sending.delete(bot);
  if (sending.size === 0 && ticker) {
    clearInterval(ticker);
    ticker = null;
  }
}

/** A receiving bot gets ten streams at once; a roomy buffer rides out event-loop pauses of the bot itself. */
async function udpSocket(recvBufferSize?: number): Promise<dgram.Socket> {
  const socket = dgram.createSocket({ type: 'udp4', recvBufferSize });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return socket;
}

/** What a bot needs from the SFU: the MeetingHub, or a bare router in benchmarks. */
export type BotHub = Pick<MeetingHub, 'join' | 'createPlainTransport' | 'connectPlainTransport' | 'produce' | 'consume' | 'resumeConsumer'>;

export function intentFor(meetingId: number, userId: number, extra: Partial<JoinIntent> = {}): JoinIntent {
  return { meetingId, clubId: 1, userId, clubCapacity: 100, canPublish: true, mayStart: true, transcriptionOptOut: false, ...extra };
}

/** The bots a suite joins straight to the SFU's hub, closed together after each test. */
export class JoinedBots {
  private readonly bots: RtpBot[] = [];

  constructor(private readonly hub: () => BotHub) {}

  async join(meetingId: number, userId: number, options: BotOptions = {}): Promise<RtpBot> {
    return this.track(await RtpBot.join(this.hub(), intentFor(meetingId, userId), options));
  }

  /** Closes `bot` with the others (for a bot joined some other way). */
  track(bot: RtpBot): RtpBot {
    this.bots.push(bot);
    return bot;
  }

  closeAll(): void {
    for (const bot of this.bots.splice(0)) bot.close();
  }
}

export class RtpBot {
  readonly producers: { mic?: string; camera?: string } = {};
  readonly received = new Map<number, Received>();
  sent = 0;
  private sendSocket: dgram.Socket | null = null;
  private recvSocket: dgram.Socket | null = null;
  private sendTarget: { ip: string; port: number } | null = null;
  sendTransportId = '';
  recvTransportId = '';
  /** When the next audio packet, video frame and sender reports are due (performance.now()). */
  private due: { audio: number; video: number; reports: number } | null = null;
  private audioSsrc = 0;
  private videoSsrcs: number[] = [];
  private frame = 0;
  private keyFrameWanted = false;
  /** Key frame requests (PLI or FIR) that reached the sender. */
  keyFrameRequests = 0;
  /** This many of the next key frame requests are counted but not answered (as if lost on a broken path). */
  loseKeyFrameRequests = 0;
  private audioIndex = 0;
  joinReply!: JoinReply;

  private constructor(readonly hub: BotHub, readonly meetingId: number, readonly userId: number, private readonly options: BotOptions) {}

  get rtpCapabilities(): RtpCapabilitiesPayload {
    return this.joinReply.rtp_capabilities;
  }

  static async join(hub: BotHub, intent: JoinIntent, options: BotOptions = {}): Promise<RtpBot> {
    const bot = new RtpBot(hub, intent.meetingId, intent.userId, { audio: true, video: false, levelDbov: 20, videoPayloadBytes: 900, packetsPerFrame: 1, keyFrameEvery: 15, ...options });
    bot.joinReply = await hub.join(intent);
    await bot.openTransports();
    await bot.publish();
    if (!options.idle) bot.start();
    return bot;
  }

  /** Creates both plain transports again (after a meeting was rebuilt) and publishes again. */
  async reconnect(): Promise<void> {
    this.stop();
    this.sendSocket?.close();
    this.recvSocket?.close();
    this.received.clear();
    delete this.producers.mic;
    delete this.producers.camera;
    await this.openTransports();
    await this.publish();
    this.start();
  }

  private async openTransports(): Promise<void> {
    this.sendSocket = await udpSocket();
    // RTCP comes back on the sending socket (rtcp-mux): a key frame request is answered at once, as a browser would.
    this.sendSocket.on('message', (packet) => {
      if (!asksForKeyFrame(packet)) return;
      this.keyFrameRequests += 1;
      if (this.loseKeyFrameRequests > 0) this.loseKeyFrameRequests -= 1;
      else this.keyFrameWanted = true;
    });
    this.recvSocket = await udpSocket(2 * 1024 * 1024);
    this.recvSocket.on('message', (packet) => this.onPacket(packet));
    const send = await this.hub.createPlainTransport(this.userId, this.meetingId, 'send');
    const recv = await this.hub.createPlainTransport(this.userId, this.meetingId, 'recv');
    await this.hub.connectPlainTransport(this.userId, this.meetingId, send.id, { ip: '127.0.0.1', port: (this.sendSocket.address()).port });
    await this.hub.connectPlainTransport(this.userId, this.meetingId, recv.id, { ip: '127.0.0.1', port: (this.recvSocket.address()).port });
    this.sendTarget = { ip: send.ip, port: send.port };
    this.sendTransportId = send.id;
    this.recvTransportId = recv.id;
  }

  private async publish(): Promise<void> {
    if (this.options.audio) {
      this.audioSsrc = nextSsrc++;
      const { id } = await this.hub.produce(this.userId, {
        meeting_id: this.meetingId,
        transport_id: this.sendTransportId,
        kind: 'audio',
        source: 'mic',
        rtp_parameters: opusProducerParameters(this.audioSsrc),
        paused: false,
      });
      this.producers.mic = id;
    }
    if (this.options.video) {
      this.videoSsrcs = this.options.video === 'simulcast' ? [nextSsrc++, nextSsrc++, nextSsrc++] : [nextSsrc++];
      const { id } = await this.hub.produce(this.userId, {
        meeting_id: this.meetingId,
        transport_id: this.sendTransportId,
        kind: 'video',
        source: 'camera',
        rtp_parameters: vp8ProducerParameters(this.videoSsrcs),
        paused: false,
      });
      this.producers.camera = id;
    }
  }

  start(): void {
    if (this.due) return;
    const now = performance.now();
    this.due = { audio: now, video: now, reports: now + REPORT_MS };
    startTicking(this);
  }

  /** Sends what the wall clock says is due; a backlog older than a second is dropped (no sequence gap). */
  tick(now: number): void {
    const due = this.due;
    if (!due) return;
    if (this.options.audio) {
      if (now - due.audio > 1000) due.audio = now;
      for (; due.audio <= now; due.audio += AUDIO_MS) this.sendAudio();
    }
    if (this.options.video) {
      if (now - due.video > 1000) due.video = now;
      for (; due.video <= now; due.video += FRAME_MS) this.sendVideo();
    }
    if (due.reports <= now) {
      due.reports = now + REPORT_MS;
      this.sendReports();
    }
  }

  /** Sender reports, with RTP timestamps derived from the packet counters (20 ms audio, 30 fps video). */
  private sendReports(): void {
    if (this.options.audio && this.audioIndex > 0) this.transmit(senderReport(this.audioSsrc, (this.audioIndex - 1) * 960, this.audioIndex, 0), false);
    if (this.frame > 0) for (const ssrc of this.videoSsrcs) this.transmit(senderReport(ssrc, (this.frame - 1) * 3000, this.frame, 0), false);
  }

  stop(): void {
    this.due = null;
    stopTicking(this);
  }

  set levelDbov(level: number) {
    this.options.levelDbov = level;
  }

  private sendAudio(): void {
    const speech = this.options.speech?.[this.audioIndex];
    this.transmit(opusPacket(this.audioSsrc, this.audioIndex++, speech ? 20 : (this.options.levelDbov ?? 127), speech));
  }

  private sendVideo(): void {
    const keyFrame = this.keyFrameWanted || this.frame % (this.options.keyFrameEvery ?? 15) === 0;
    this.keyFrameWanted = false;
    const packets = this.options.packetsPerFrame ?? 1;
    for (const ssrc of this.videoSsrcs) {
      const frame = { ssrc, frame: this.frame, sequenceNumber: this.frame * packets, keyFrame, packets, payloadBytes: this.options.videoPayloadBytes ?? 900 };
      for (const packet of vp8Frame(frame)) this.transmit(packet);
    }
    this.frame += 1;
  }

  private transmit(packet: Buffer, counted = true): void {
    if (!this.sendSocket || !this.sendTarget) return;
    if (counted) this.sent += 1;
    this.sendSocket.send(packet, this.sendTarget.port, this.sendTarget.ip);
  }

  /** Consumes the given producers (created paused) and resumes them, as a client would. */
  async consume(producerIds: string[]): Promise<ConsumerReply[]> {
    const replies: ConsumerReply[] = [];
    for (const producerId of producerIds) {
      const reply = await this.hub.consume(this.userId, { meeting_id: this.meetingId, transport_id: this.recvTransportId, producer_id: producerId, rtp_capabilities: this.rtpCapabilities });
      const ssrc = reply.rtpParameters.encodings?.[0]?.ssrc;
      if (ssrc === undefined) throw new Error('consumer without an SSRC');
      this.received.set(ssrc, { consumer: reply, ssrc, packets: 0, first: null, last: 0 });
      await this.hub.resumeConsumer(this.userId, { meeting_id: this.meetingId, consumer_id: reply.id });
      replies.push(reply);
    }
    return replies;
  }

  async consumeBots(others: RtpBot[]): Promise<ConsumerReply[]> {
    const ids = others.filter((b) => b !== this).flatMap((b) => [b.producers.mic, b.producers.camera].filter((id): id is string => id !== undefined));
    return this.consume(ids);
  }

  private onPacket(packet: Buffer): void {
    const rtp = readRtp(packet);
    const entry = rtp && this.received.get(rtp.ssrc);
    if (!rtp || !entry) return;
    entry.packets += 1;
    if (entry.first === null) {
      entry.first = rtp.sequenceNumber;
      entry.last = rtp.sequenceNumber;
      return;
    }
    // Extend the 16-bit sequence number across wrap-arounds (packets arrive in order on loopback).
    let delta = rtp.sequenceNumber - (entry.last & 0xffff);
    if (delta < -0x8000) delta += 0x10000;
    if (delta > 0) entry.last += delta;
  }

  /** Packets received from one producer. */
  packetsFrom(producerId: string): number {
    for (const r of this.received.values()) if (r.consumer.producerId === producerId) return r.packets;
    return 0;
  }

  /** Starts counting afresh (the next packet of each consumer is the new first). */
  resetCounts(): void {
    for (const r of this.received.values()) {
      r.packets = 0;
      r.first = null;
    }
  }

  /** Packets expected (from sequence numbers) and received, over every consumer. */
  tally(): { expected: number; received: number } {
    let expected = 0;
    let received = 0;
    for (const r of this.received.values()) {
      if (r.first === null) continue;
      expected += r.last - r.first + 1;
      received += r.packets;
    }
    return { expected, received };
  }

  close(): void {
    this.stop();
    this.sendSocket?.close();
    this.recvSocket?.close();
    this.sendSocket = null;
    this.recvSocket = null;
  }
}

/** Whether a (compound) RTCP packet holds a PLI or a FIR. */
function asksForKeyFrame(packet: Buffer): boolean {
  for (let offset = 0; offset + 4 <= packet.length; ) {
    const version = packet[offset]! >> 6;
    const type = packet[offset + 1]!;
    if (version !== 2 || type < 192 || type > 223) return false;
    const format = packet[offset]! & 0x1f;
    if (type === 206 && (format === 1 || format === 4)) return true;
    offset += (packet.readUInt16BE(offset + 2) + 1) * 4;
  }
  return false;
}
