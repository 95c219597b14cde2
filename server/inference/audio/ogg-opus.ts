// Ogg Opus files (RFC 7845) read into their Opus packets: for recordings people upload, and
// for tests that speak real speech into a meeting as a browser would. One logical stream is
// read (the first); pages are checked for structure and bounds, not for their CRC.

export class OggError extends Error {}

export interface OpusHead {
  channels: number;
  /** Samples at 48 kHz to drop from the start of the decoded audio. */
  preSkip: number;
  /** The rate the audio was made at (informative; Opus decodes at 48 kHz). */
  inputRate: number;
  /** 0: mono or stereo; 1: up to 8 channels in Vorbis order. */
  mappingFamily: number;
}

export interface OggOpus {
  head: OpusHead;
  /** Audio packets in order (the header packets excluded). */
  packets: Buffer[];
}

const CAPTURE = Buffer.from('OggS');
const PAGE_HEADER_BYTES = 27;
/** The most a page's body can hold: 255 segments of 255 bytes. */
export const MAX_OGG_PAGE_BYTES = PAGE_HEADER_BYTES + 255 + 255 * 255;

export interface OggLimits {
  maxPackets?: number;
  /** A packet continued over page after page is refused beyond this size. */
  maxPacketBytes?: number;
}

/** The fixed part of a page header, checked: its stream and its segment count. */
function pageHeader(header: Buffer, offset: number): { serial: number; segments: number } {
  if (header.length < PAGE_HEADER_BYTES || !header.subarray(0, 4).equals(CAPTURE)) throw new OggError(`not an Ogg page at byte ${offset}`);
  if (header[4] !== 0) throw new OggError('unsupported Ogg version');
  return { serial: header.readUInt32LE(14), segments: header[26] as number };
}

/** Joins the segments of the first logical stream's pages into packets. */
class PacketAssembler {
  private serial: number | null = null;
  private partial: Buffer[] = [];
  private partialBytes = 0;
  private count = 0;
  private readonly maxPackets: number;
  private readonly maxPacketBytes: number;

  constructor(limits: OggLimits) {
    this.maxPackets = limits.maxPackets ?? 1_000_000;
    this.maxPacketBytes = limits.maxPacketBytes ?? 16 << 20;
  }

  /** The packets this page completes. `body` must not be reused afterwards: a packet may continue on the next page. */
  page(serial: number, lacing: Buffer, body: Buffer): Buffer[] {
    this.serial ??= serial;
    if (serial !== this.serial) return [];
    const done: Buffer[] = [];
    let at = 0;
    for (const n of lacing) {
      this.partial.push(body.subarray(at, at + n));
      this.partialBytes += n;
      at += n;
      if (this.partialBytes > this.maxPacketBytes) throw new OggError(`a packet longer than ${this.maxPacketBytes} bytes`);
      // A lacing value under 255 ends a packet; 255 continues it (on this page or the next).
      if (n < 255) {
        done.push(Buffer.concat(this.partial));
        this.partial = [];
        this.partialBytes = 0;
        if (++this.count > this.maxPackets) throw new OggError(`more than ${this.maxPackets} packets`);
      }
    }
    return done;
  }
}

/** The packets of the first logical stream of an Ogg file held in memory. */
export function oggPackets(file: Buffer, maxPackets = 1_000_000): Buffer[] {
  const packets: Buffer[] = [];
  const assembler = new PacketAssembler({ maxPackets });
  let offset = 0;
  while (offset < file.length) {
    const { serial, segments } = pageHeader(file.subarray(offset, offset + PAGE_HEADER_BYTES), offset);
    const tableEnd = offset + PAGE_HEADER_BYTES + segments;
    if (tableEnd > file.length) throw new OggError('truncated Ogg page header');
    const lacing = file.subarray(offset + PAGE_HEADER_BYTES, tableEnd);
    const size = lacing.reduce((sum, n) => sum + n, 0);
    if (tableEnd + size > file.length) throw new OggError('truncated Ogg page');
    packets.push(...assembler.page(serial, lacing, file.subarray(tableEnd, tableEnd + size)));
    offset = tableEnd + size;
  }
  return packets;
}

/** What the streaming reader needs of a file: positioned reads (fs.promises.FileHandle has it). */
export interface PositionedReader {
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
}

async function readExactly(file: PositionedReader, length: number, position: number, what: string): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await file.read(buffer, got, length - got, position + got);
    if (bytesRead === 0) throw new OggError(what);
    got += bytesRead;
  }
  return buffer;
}

/**
 * The same packets as oggPackets, read page by page from an open file: no read is larger than
 * one page (MAX_OGG_PAGE_BYTES), and only the pages of a packet not yet complete are held.
 */
export async function* oggFilePackets(file: PositionedReader, size: number, limits: OggLimits = {}): AsyncGenerator<Buffer> {
  const assembler = new PacketAssembler(limits);
  let offset = 0;
  while (offset < size) {
    if (size - offset < PAGE_HEADER_BYTES) throw new OggError(`not an Ogg page at byte ${offset}`);
    const { serial, segments } = pageHeader(await readExactly(file, PAGE_HEADER_BYTES, offset, 'truncated Ogg page header'), offset);
    const tableEnd = offset + PAGE_HEADER_BYTES + segments;
    if (tableEnd > size) throw new OggError('truncated Ogg page header');
    const lacing = await readExactly(file, segments, offset + PAGE_HEADER_BYTES, 'truncated Ogg page header');
    const bodySize = lacing.reduce((sum, n) => sum + n, 0);
    if (tableEnd + bodySize > size) throw new OggError('truncated Ogg page');
    // A fresh buffer per page: the assembler may keep slices of it for a packet continued on the next.
    const body = await readExactly(file, bodySize, tableEnd, 'truncated Ogg page');
    yield* assembler.page(serial, lacing, body);
    offset = tableEnd + bodySize;
  }
}

export function readOggOpus(file: Buffer): OggOpus {
  const [head, tags, ...audio] = oggPackets(file);
  if (!head || head.length < 19 || head.subarray(0, 8).toString('latin1') !== 'OpusHead') throw new OggError('not an Ogg Opus file (no OpusHead)');
  if (!tags || tags.subarray(0, 8).toString('latin1') !== 'OpusTags') throw new OggError('Ogg Opus file without OpusTags');
  const channels = head[9] as number;
  if (channels < 1) throw new OggError('Ogg Opus file with no channels');
  return {
    head: { channels, preSkip: head.readUInt16LE(10), inputRate: head.readUInt32LE(12), mappingFamily: head[18] as number },
    packets: audio,
  };
}
