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

/** The packets of the first logical stream of an Ogg file. */
export function oggPackets(file: Buffer, maxPackets = 1_000_000): Buffer[] {
  const packets: Buffer[] = [];
  let serial: number | null = null;
  let partial: Buffer[] = [];
  let offset = 0;
  while (offset < file.length) {
    if (file.length - offset < 27 || !file.subarray(offset, offset + 4).equals(CAPTURE)) throw new OggError(`not an Ogg page at byte ${offset}`);
    if (file[offset + 4] !== 0) throw new OggError('unsupported Ogg version');
    const pageSerial = file.readUInt32LE(offset + 14);
    const segments = file[offset + 26] as number;
    const tableEnd = offset + 27 + segments;
    if (tableEnd > file.length) throw new OggError('truncated Ogg page header');
    const lacing = file.subarray(offset + 27, tableEnd);
    const size = lacing.reduce((sum, n) => sum + n, 0);
    if (tableEnd + size > file.length) throw new OggError('truncated Ogg page');
    serial ??= pageSerial;
    if (pageSerial === serial) {
      let at = tableEnd;
      for (const n of lacing) {
        partial.push(file.subarray(at, at + n));
        at += n;
        // A lacing value under 255 ends a packet; 255 continues it (on this page or the next).
        if (n < 255) {
          packets.push(Buffer.concat(partial));
          partial = [];
          if (packets.length > maxPackets) throw new OggError(`more than ${maxPackets} packets`);
        }
      }
    }
    offset = tableEnd + size;
  }
  return packets;
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
