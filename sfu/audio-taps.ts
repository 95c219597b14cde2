// Audio taps: the RTP of an audio producer, copied to this process for transcription. Each tap
// is a PlainTransport on the producer's router sending to a UDP socket on 127.0.0.1 that only
// accepts packets from that transport. A tap lives exactly as long as its producer: when the
// producer, its transport or its router closes, the consumer closes and the tap with it.
import dgram from 'node:dgram';
import type * as mediasoup from 'mediasoup';
import type { Logger } from '../shared/logger.js';
import { isRtcp } from './rtp.js';

export interface TapInfo {
  meetingId: number;
  userId: number;
  producerId: string;
  /** What the packets carry, as negotiated for the tap's consumer. */
  codec: { mimeType: string; payloadType: number; clockRate: number; channels?: number };
}

export interface TapPacket {
  meetingId: number;
  userId: number;
  producerId: string;
  /** One RTP packet (header included), as sent by the SFU. */
  packet: Buffer;
}

export interface AudioTapListener {
  started?(tap: TapInfo): void;
  packet(packet: TapPacket): void;
  stopped?(tap: TapInfo): void;
}

interface OpenTap {
  info: TapInfo;
  socket: dgram.Socket;
  transport: mediasoup.types.PlainTransport;
}

const TAP_IP = '127.0.0.1';

export class AudioTaps {
  private readonly taps = new Map<string, OpenTap>();
  /** Taps being opened; `stop` during the opening marks them cancelled. */
  private readonly opening = new Map<string, { cancelled: boolean }>();
  private readonly listeners = new Set<AudioTapListener>();

  constructor(private readonly logger: Logger) {}

  subscribe(listener: AudioTapListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Producer ids currently tapped. */
  get open(): string[] {
    return [...this.taps.keys()];
  }

  has(producerId: string): boolean {
    return this.taps.has(producerId);
  }

  /** Whether a tap on the producer is being opened right now. */
  isOpening(producerId: string): boolean {
    return this.opening.has(producerId);
  }

  async start(router: mediasoup.types.Router, producer: mediasoup.types.Producer, meetingId: number, userId: number): Promise<void> {
    // Nobody listening: no port is opened and no audio leaves the router.
    if (this.listeners.size === 0) return;
    if (producer.kind !== 'audio' || this.taps.has(producer.id) || this.opening.has(producer.id)) return;
    const attempt = { cancelled: false };
    this.opening.set(producer.id, attempt);
    const socket = dgram.createSocket('udp4');
    let transport: mediasoup.types.PlainTransport | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(0, TAP_IP, () => {
          socket.off('error', reject);
          resolve();
        });
      });
      transport = await router.createPlainTransport({ listenIp: TAP_IP, rtcpMux: true, comedia: false });
      await transport.connect({ ip: TAP_IP, port: socket.address().port });
      const consumer = await transport.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities, paused: false });
      const codec = consumer.rtpParameters.codecs[0];
      if (!codec) throw new Error('tap consumer has no codec');
      if (producer.closed || consumer.closed || attempt.cancelled) throw new Error('tap cancelled while it opened');
      const info: TapInfo = {
        meetingId,
        userId,
        producerId: producer.id,
        codec: { mimeType: codec.mimeType, payloadType: codec.payloadType, clockRate: codec.clockRate, channels: codec.channels },
      };
      const tap: OpenTap = { info, socket, transport };
      this.taps.set(producer.id, tap);
      const source = transport.tuple.localPort;
      socket.on('message', (packet, from) => {
        if (from.port !== source || from.address !== TAP_IP || isRtcp(packet)) return;
        this.deliver({ meetingId, userId, producerId: producer.id, packet });
      });
      socket.on('error', (err) => this.logger.warn({ err: err.message, producerId: producer.id }, 'audio tap socket failed'));
      consumer.observer.once('close', () => this.stop(producer.id));
      for (const listener of this.listeners) listener.started?.(info);
    } catch (err) {
      transport?.close();
      socket.close();
      if (!producer.closed && !attempt.cancelled) this.logger.warn({ err: (err as Error).message, producerId: producer.id }, 'could not open an audio tap');
    } finally {
      this.opening.delete(producer.id);
    }
  }

  stop(producerId: string): void {
    const attempt = this.opening.get(producerId);
    if (attempt) attempt.cancelled = true;
    const tap = this.taps.get(producerId);
    if (!tap) return;
    this.taps.delete(producerId);
    tap.transport.close();
    tap.socket.close();
    for (const listener of this.listeners) listener.stopped?.(tap.info);
  }

  closeAll(): void {
    for (const producerId of [...this.taps.keys()]) this.stop(producerId);
  }

  /**
   * Every tapped packet as an async stream (until `signal` aborts). A slow reader loses the
   * oldest packets beyond `buffer`, never blocks the taps.
   */
  async *packets(signal: AbortSignal, buffer = 2048): AsyncGenerator<TapPacket> {
    const queue: TapPacket[] = [];
    let wake: (() => void) | null = null;
    const unsubscribe = this.subscribe({
      packet: (p) => {
        if (queue.length >= buffer) queue.shift();
        queue.push(p);
        wake?.();
      },
    });
    const onAbort = () => wake?.();
    signal.addEventListener('abort', onAbort);
    try {
      while (!signal.aborted) {
        const next = queue.shift();
        if (next) yield next;
        else await new Promise<void>((resolve) => (wake = resolve)).finally(() => (wake = null));
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      unsubscribe();
    }
  }

  private deliver(packet: TapPacket): void {
    for (const listener of this.listeners) {
      try {
        listener.packet(packet);
      } catch (err) {
        this.logger.warn({ err: (err as Error).message }, 'audio tap listener failed');
      }
    }
  }
}
