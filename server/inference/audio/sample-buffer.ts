// The growing input buffer both resamplers keep: appends a chunk after `length` samples,
// doubling the buffer when it is full. Returns the buffer to keep (the same or a larger one).
export function appendSamples(buffer: Float32Array<ArrayBuffer>, length: number, chunk: Float32Array): Float32Array<ArrayBuffer> {
  let target = buffer;
  if (length + chunk.length > buffer.length) {
    target = new Float32Array(Math.max(buffer.length * 2, length + chunk.length));
    target.set(buffer.subarray(0, length));
  }
  target.set(chunk, length);
  return target;
}
