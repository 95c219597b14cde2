// RTP packets built by hand for the depacketizing tests.

export interface RtpFields {
  sequence: number;
  timestamp: number;
  ssrc?: number;
  payloadType?: number;
  payload: Buffer;
  csrcs?: number[];
  /** Extension body (a multiple of 4 bytes) under the one-byte profile 0xBEDE. */
  extension?: Buffer;
  /** Padding bytes to append (the last one holding the count). */
  padding?: number;
}

export function rtpPacket(f: RtpFields): Buffer {
  const csrcs = f.csrcs ?? [];
  const header = Buffer.alloc(12 + csrcs.length * 4);
  header[0] = 0x80 | (f.padding ? 0x20 : 0) | (f.extension ? 0x10 : 0) | csrcs.length;
  header[1] = (f.payloadType ?? 111) & 0x7f;
  header.writeUInt16BE(f.sequence & 0xffff, 2);
  header.writeUInt32BE(f.timestamp >>> 0, 4);
  header.writeUInt32BE((f.ssrc ?? 0x1234abcd) >>> 0, 8);
  csrcs.forEach((c, i) => header.writeUInt32BE(c >>> 0, 12 + i * 4));
  const parts: Buffer[] = [header];
  if (f.extension) {
    if (f.extension.length % 4 !== 0) throw new Error('extension body must be whole words');
    const ext = Buffer.alloc(4);
    ext.writeUInt16BE(0xbede, 0);
    ext.writeUInt16BE(f.extension.length / 4, 2);
    parts.push(ext, f.extension);
  }
  parts.push(f.payload);
  if (f.padding) {
    const pad = Buffer.alloc(f.padding);
    pad[f.padding - 1] = f.padding;
    parts.push(pad);
  }
  return Buffer.concat(parts);
}

/** Payload marked with its own number, so a test can tell which packet came out. */
export function marked(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

/** A stream of 20 ms Opus-clocked packets numbered from `first`. */
export function packetSeries(count: number, first = { sequence: 1000, timestamp: 50_000 }): Buffer[] {
  return Array.from({ length: count }, (_, i) =>
    rtpPacket({ sequence: first.sequence + i, timestamp: first.timestamp + i * 960, payload: marked(i) }),
  );
}
