// WAV files (RIFF/WAVE) read for transcription: integer PCM of 8, 16, 24 or 32 bits and 32-bit
// float, any sample rate, mono or several channels (WAVE_FORMAT_EXTENSIBLE included). The
// header is parsed from the file's first bytes only; the samples are then read in bounded
// chunks, so a long recording is never held whole. Problems are said in words (WavError).

export class WavError extends Error {}

export interface WavInfo {
  encoding: 'int' | 'float';
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  /** Bytes of one frame (a sample of every channel). */
  blockAlign: number;
  /** Where the samples start, in bytes from the file's start. */
  dataOffset: number;
  /** Whole frames of audio the file holds. */
  frames: number;
}

/** How many leading bytes parseWavHeader is given: chunks before `data` must fit in them. */
export const WAV_HEADER_BYTES = 64 * 1024;

const PCM = 1;
const IEEE_FLOAT = 3;
const EXTENSIBLE = 0xfffe;

export function isWav(head: Buffer): boolean {
  return head.length >= 12 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WAVE';
}

/** The format and where the samples are, from the file's first bytes and its full size. */
export function parseWavHeader(head: Buffer, fileSize: number): WavInfo {
  if (!isWav(head)) throw new WavError('not a WAV file (no RIFF/WAVE header)');
  let offset = 12;
  let format: Omit<WavInfo, 'dataOffset' | 'frames'> | null = null;
  while (offset + 8 <= head.length) {
    const id = head.toString('latin1', offset, offset + 4);
    const size = head.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + size > head.length) throw new WavError('WAV format chunk is truncated');
      format = readFormat(head.subarray(body, body + size));
    } else if (id === 'data') {
      if (!format) throw new WavError('WAV data comes before its format chunk');
      // A size of 0 or 0xFFFFFFFF is what streaming writers leave: the samples run to the end.
      const declared = size === 0 || size === 0xffffffff ? fileSize - body : size;
      const bytes = Math.min(declared, fileSize - body);
      return { ...format, dataOffset: body, frames: Math.floor(Math.max(0, bytes) / format.blockAlign) };
    }
    offset = body + size + (size % 2); // chunks are padded to even sizes
  }
  throw new WavError(format ? `WAV file without a data chunk in its first ${WAV_HEADER_BYTES} bytes` : 'WAV file without a format chunk');
}

function readFormat(fmt: Buffer): Omit<WavInfo, 'dataOffset' | 'frames'> {
  let tag = fmt.readUInt16LE(0);
  const channels = fmt.readUInt16LE(2);
  const sampleRate = fmt.readUInt32LE(4);
  const blockAlign = fmt.readUInt16LE(12);
  const bitsPerSample = fmt.readUInt16LE(14);
  if (tag === EXTENSIBLE) {
    if (fmt.length < 26) throw new WavError('WAV extensible format chunk is truncated');
    tag = fmt.readUInt16LE(24); // the sub-format GUID starts with the format tag
  }
  if (tag !== PCM && tag !== IEEE_FLOAT) throw new WavError(`WAV encoding ${tag} is not supported (only PCM integer or 32-bit float)`);
  if (channels < 1) throw new WavError('WAV file with no channels');
  if (sampleRate < 1000 || sampleRate > 384_000) throw new WavError(`WAV sample rate ${sampleRate} Hz is out of range (1000 to 384000)`);
  const encoding = tag === IEEE_FLOAT ? 'float' : 'int';
  if (encoding === 'float' ? bitsPerSample !== 32 : ![8, 16, 24, 32].includes(bitsPerSample)) {
    throw new WavError(`WAV ${encoding === 'float' ? 'float' : 'PCM'} with ${bitsPerSample} bits per sample is not supported`);
  }
  if (blockAlign !== channels * (bitsPerSample / 8)) throw new WavError(`WAV block size ${blockAlign} does not match ${channels} channels of ${bitsPerSample} bits`);
  return { encoding, channels, sampleRate, bitsPerSample, blockAlign };
}

/** Whole frames of interleaved samples → one array per channel, floats in [-1, 1]. */
export function deinterleave(bytes: Buffer, info: Pick<WavInfo, 'encoding' | 'channels' | 'bitsPerSample' | 'blockAlign'>): Float32Array[] {
  const frames = Math.floor(bytes.length / info.blockAlign);
  const out = Array.from({ length: info.channels }, () => new Float32Array(frames));
  const width = info.bitsPerSample / 8;
  const read = sampleReader(info);
  for (let f = 0; f < frames; f++) {
    const at = f * info.blockAlign;
    for (let c = 0; c < info.channels; c++) out[c]![f] = read(bytes, at + c * width);
  }
  return out;
}

function sampleReader({ encoding, bitsPerSample }: Pick<WavInfo, 'encoding' | 'bitsPerSample'>): (b: Buffer, at: number) => number {
  if (encoding === 'float') return (b, at) => b.readFloatLE(at);
  switch (bitsPerSample) {
    case 8:
      return (b, at) => (b[at]! - 128) / 128; // 8-bit WAV is unsigned
    case 16:
      return (b, at) => b.readInt16LE(at) / 32768;
    case 24:
      return (b, at) => b.readIntLE(at, 3) / 8388608;
    default:
      return (b, at) => b.readInt32LE(at) / 2147483648;
  }
}
