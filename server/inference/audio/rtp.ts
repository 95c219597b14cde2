// RTP (RFC 3550) as far as depacketizing audio needs it: the fixed header, CSRCs, one header
// extension (RFC 8285's one- and two-byte forms both sit in the same generic block) and
// padding. Anything that cannot be an RTP packet is refused with a stable code, never guessed.

export class RtpError extends Error {
  readonly code = 'rtp_malformed';
}

export interface RtpPacket {
  payloadType: number;
  marker: boolean;
  sequence: number;
  timestamp: number;
  ssrc: number;
  /** The codec payload: header, CSRCs, extension and padding removed. A view, not a copy. */
  payload: Buffer;
}

const FIXED_HEADER = 12;

export function parseRtp(packet: Buffer): RtpPacket {
  if (packet.length < FIXED_HEADER) throw new RtpError(`RTP packet of ${packet.length} bytes is shorter than its header`);
  const first = packet[0]!;
  if (first >> 6 !== 2) throw new RtpError(`RTP version ${first >> 6}, expected 2`);
  const hasPadding = (first & 0x20) !== 0;
  const hasExtension = (first & 0x10) !== 0;
  const csrcCount = first & 0x0f;
  let offset = FIXED_HEADER + csrcCount * 4;
  if (hasExtension) {
    if (packet.length < offset + 4) throw new RtpError('RTP header extension is cut off');
    // Length counts 32-bit words after the 4-byte extension header.
    offset += 4 + packet.readUInt16BE(offset + 2) * 4;
  }
  let end = packet.length;
  if (hasPadding) {
    const padding = packet[packet.length - 1]!;
    if (padding === 0) throw new RtpError('RTP padding length is zero');
    end -= padding;
  }
  if (offset > end) throw new RtpError('RTP header, extension and padding exceed the packet');
  return {
    payloadType: packet[1]! & 0x7f,
    marker: (packet[1]! & 0x80) !== 0,
    sequence: packet.readUInt16BE(2),
    timestamp: packet.readUInt32BE(4),
    ssrc: packet.readUInt32BE(8),
    payload: packet.subarray(offset, end),
  };
}
