// RTP packets built byte by byte, deterministic: Opus frames with the audio-level header
// extension (RFC 6464) and VP8 frames with a full payload descriptor (RFC 7741), enough for
// mediasoup to see key frames, picture ids and temporal layers.

export const OPUS_PT = 100;
export const VP8_PT = 101;
export const AUDIO_LEVEL_EXT_ID = 1;
export const AUDIO_LEVEL_URI = 'urn:ietf:params:rtp-hdrext:ssrc-audio-level';

/** A 20 ms Opus frame (CELT, full band): the common "silence" packet; decoders accept it. */
const OPUS_FRAME = Buffer.from([0xf8, 0xff, 0xfe]);

export interface RtpHeader {
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  marker?: boolean;
  /** One-byte header extensions (RFC 8285): id 1–14, up to 16 bytes of data each. */
  extensions?: { id: number; data: Buffer }[];
}

export function rtpPacket(header: RtpHeader, payload: Buffer): Buffer {
  let extension = Buffer.alloc(0);
  if (header.extensions?.length) {
    const elements = Buffer.concat(header.extensions.map((e) => Buffer.concat([Buffer.from([(e.id << 4) | (e.data.length - 1)]), e.data])));
    const padded = Buffer.alloc(Math.ceil(elements.length / 4) * 4);
    elements.copy(padded);
    const head = Buffer.alloc(4);
    head.writeUInt16BE(0xbede, 0);
    head.writeUInt16BE(padded.length / 4, 2);
    extension = Buffer.concat([head, padded]);
  }
  const fixed = Buffer.alloc(12);
  fixed[0] = 0x80 | (extension.length > 0 ? 0x10 : 0);
  fixed[1] = (header.marker ? 0x80 : 0) | header.payloadType;
  fixed.writeUInt16BE(header.sequenceNumber & 0xffff, 2);
  fixed.writeUInt32BE(header.timestamp >>> 0, 4);
  fixed.writeUInt32BE(header.ssrc >>> 0, 8);
  return Buffer.concat([fixed, extension, payload]);
}

/** dBov below full scale: 0 loudest, 127 silence. `frame`: a real 20 ms Opus frame, else silence. */
export function opusPacket(ssrc: number, index: number, levelDbov: number, frame: Buffer = OPUS_FRAME): Buffer {
  return rtpPacket(
    {
      payloadType: OPUS_PT,
      sequenceNumber: index,
      timestamp: index * 960,
      ssrc,
      extensions: [{ id: AUDIO_LEVEL_EXT_ID, data: Buffer.from([0x80 | Math.min(127, Math.max(0, levelDbov))]) }],
    },
    frame,
  );
}

export interface Vp8Frame {
  ssrc: number;
  /** Frame number: picture id, TL0PICIDX and timestamp (30 frames per second) follow from it. */
  frame: number;
  /** Sequence number of the frame's first packet. */
  sequenceNumber: number;
  /** A key frame is decodable on its own (a layer switch point). */
  keyFrame: boolean;
  packets: number;
  payloadBytes: number;
}

/** One VP8 frame as `packets` RTP packets: the first starts the partition, the last has the marker. */
export function vp8Frame(f: Vp8Frame): Buffer[] {
  const pictureId = f.frame & 0x7fff;
  return Array.from({ length: f.packets }, (_, i) => {
    const descriptor = Buffer.from([
      i === 0 ? 0x90 : 0x80, // X: extended; S: start of partition (first packet only), partition 0
      0xe0, // I: picture id, L: TL0PICIDX, T: temporal layer index
      0x80 | (pictureId >> 8),
      pictureId & 0xff,
      f.frame & 0xff, // TL0PICIDX: every frame is on temporal layer 0
      0x20, // TID 0, Y (layer sync)
    ]);
    const payload = Buffer.alloc(Math.max(10, f.payloadBytes));
    if (i === 0) {
      // VP8 frame tag: P (inverse key frame) in bit 0; key frames carry the start code and a 640x360 size.
      payload[0] = f.keyFrame ? 0x10 : 0x11;
      if (f.keyFrame) {
        payload.set([0x9d, 0x01, 0x2a], 3);
        payload.writeUInt16LE(640, 6);
        payload.writeUInt16LE(360, 8);
      }
    }
    const header = { payloadType: VP8_PT, sequenceNumber: f.sequenceNumber + i, timestamp: f.frame * 3000, ssrc: f.ssrc, marker: i === f.packets - 1 };
    return rtpPacket(header, Buffer.concat([descriptor, payload]));
  });
}

/** An RTCP sender report: maps the stream's RTP clock to wall-clock time (mediasoup needs it to switch simulcast layers). */
export function senderReport(ssrc: number, rtpTimestamp: number, packets: number, octets: number, nowMs = Date.now()): Buffer {
  const report = Buffer.alloc(28);
  report[0] = 0x80;
  report[1] = 200;
  report.writeUInt16BE(6, 2);
  report.writeUInt32BE(ssrc >>> 0, 4);
  const ntpSeconds = Math.floor(nowMs / 1000) + 2_208_988_800;
  report.writeUInt32BE(ntpSeconds >>> 0, 8);
  report.writeUInt32BE(Math.floor(((nowMs % 1000) / 1000) * 2 ** 32) >>> 0, 12);
  report.writeUInt32BE(rtpTimestamp >>> 0, 16);
  report.writeUInt32BE(packets >>> 0, 20);
  report.writeUInt32BE(octets >>> 0, 24);
  return report;
}

export interface RtpSummary {
  payloadType: number;
  sequenceNumber: number;
  ssrc: number;
}

/** The fields a receiver counts by; null for RTCP (multiplexed on the same port) or garbage. */
export function readRtp(packet: Buffer): RtpSummary | null {
  if (packet.length < 12 || packet[0]! >> 6 !== 2) return null;
  const second = packet[1]!;
  if (second >= 192 && second <= 223) return null;
  return { payloadType: second & 0x7f, sequenceNumber: packet.readUInt16BE(2), ssrc: packet.readUInt32BE(8) };
}

export const opusProducerParameters = (ssrc: number) => ({
  codecs: [{ mimeType: 'audio/opus', payloadType: OPUS_PT, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 } }],
  headerExtensions: [{ uri: AUDIO_LEVEL_URI, id: AUDIO_LEVEL_EXT_ID }],
  encodings: [{ ssrc }],
  rtcp: { cname: `bot-${ssrc}`, reducedSize: true, mux: true },
});

/** One encoding, or three simulcast encodings (lowest first), each its own SSRC. */
export const vp8ProducerParameters = (ssrcs: number[]) => ({
  codecs: [{ mimeType: 'video/VP8', payloadType: VP8_PT, clockRate: 90000, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }] }],
  encodings: ssrcs.map((ssrc) => ({ ssrc, scalabilityMode: 'L1T1' })),
  rtcp: { cname: `bot-${ssrcs[0]}`, reducedSize: true, mux: true },
});
