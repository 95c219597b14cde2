// A mixed-radix complex FFT for any length whose prime factors are small (Whisper's n_fft is
// 400 = 2^4 * 5^2, so a power-of-two FFT with zero padding would compute a different transform).
// Decimation in time, recursive over the factors; twiddles are precomputed once per plan.

export interface FftPlan {
  readonly size: number;
  /** In-place on the output arrays: reads `re`/`im` (length `size`), writes the spectrum to `outRe`/`outIm`. */
  transform(re: Float64Array, im: Float64Array, outRe: Float64Array, outIm: Float64Array): void;
}

const MAX_RADIX = 7;
const C1 = Math.cos((2 * Math.PI) / 5);
const C2 = Math.cos((4 * Math.PI) / 5);
const S1 = Math.sin((2 * Math.PI) / 5);
const S2 = Math.sin((4 * Math.PI) / 5);

function factorize(n: number): number[] {
  const factors: number[] = [];
  let rest = n;
  for (const p of [4, 2, 3, 5, 7]) {
    while (rest % p === 0) {
      factors.push(p);
      rest /= p;
    }
  }
  if (rest !== 1) throw new Error(`FFT size ${n} has a prime factor above ${MAX_RADIX}`);
  return factors;
}

export function createFftPlan(size: number): FftPlan {
  if (!Number.isInteger(size) || size < 1) throw new Error(`FFT size must be a positive integer, got ${size}`);
  const factors = factorize(size);
  // W_N^k = exp(-2πik/N) for k in [0, N): every twiddle of every stage is one of these.
  const cos = new Float64Array(size);
  const sin = new Float64Array(size);
  for (let k = 0; k < size; k += 1) {
    cos[k] = Math.cos((2 * Math.PI * k) / size);
    sin[k] = -Math.sin((2 * Math.PI * k) / size);
  }
  const tRe = new Float64Array(MAX_RADIX);
  const tIm = new Float64Array(MAX_RADIX);

  function step(
    re: Float64Array, im: Float64Array, inOffset: number, stride: number,
    outRe: Float64Array, outIm: Float64Array, outOffset: number, n: number, level: number,
  ): void {
    const p = factors[level] as number;
    const m = n / p;
    if (m === 1) {
      // The last factor: the sub-transforms of length 1 are the input values themselves.
      for (let q = 0; q < p; q += 1) {
        tRe[q] = re[inOffset + q * stride] as number;
        tIm[q] = im[inOffset + q * stride] as number;
      }
      butterfly(p, outRe, outIm, outOffset, 1);
      return;
    }
    // Sub-transforms of the p decimated sequences, stored one after another.
    for (let q = 0; q < p; q += 1) step(re, im, inOffset + q * stride, stride * p, outRe, outIm, outOffset + q * m, m, level + 1);
    const nStep = size / n; // W_n^j = W_N^(j * N/n); q * k < n, so no wrap-around
    for (let k = 0; k < m; k += 1) {
      for (let q = 0; q < p; q += 1) {
        const index = outOffset + q * m + k;
        const w = q * k * nStep;
        const xr = outRe[index] as number;
        const xi = outIm[index] as number;
        const wr = cos[w] as number;
        const wi = sin[w] as number;
        tRe[q] = xr * wr - xi * wi;
        tIm[q] = xr * wi + xi * wr;
      }
      butterfly(p, outRe, outIm, outOffset + k, m);
    }
  }

  /** The length-p DFT of tRe/tIm, written to out[o + s * m] for s in [0, p). */
  function butterfly(p: number, outRe: Float64Array, outIm: Float64Array, o: number, m: number): void {
    if (p === 4) {
      const r0 = tRe[0] as number, i0 = tIm[0] as number, r1 = tRe[1] as number, i1 = tIm[1] as number;
      const r2 = tRe[2] as number, i2 = tIm[2] as number, r3 = tRe[3] as number, i3 = tIm[3] as number;
      const aRe = r0 + r2, aIm = i0 + i2, bRe = r0 - r2, bIm = i0 - i2;
      const cRe = r1 + r3, cIm = i1 + i3, dRe = r1 - r3, dIm = i1 - i3;
      outRe[o] = aRe + cRe; outIm[o] = aIm + cIm;
      outRe[o + m] = bRe + dIm; outIm[o + m] = bIm - dRe; // b - i·d
      outRe[o + 2 * m] = aRe - cRe; outIm[o + 2 * m] = aIm - cIm;
      outRe[o + 3 * m] = bRe - dIm; outIm[o + 3 * m] = bIm + dRe; // b + i·d
    } else if (p === 2) {
      const r0 = tRe[0] as number, i0 = tIm[0] as number, r1 = tRe[1] as number, i1 = tIm[1] as number;
      outRe[o] = r0 + r1; outIm[o] = i0 + i1;
      outRe[o + m] = r0 - r1; outIm[o + m] = i0 - i1;
    } else if (p === 5) {
      const r0 = tRe[0] as number, i0 = tIm[0] as number;
      const a1r = (tRe[1] as number) + (tRe[4] as number), a1i = (tIm[1] as number) + (tIm[4] as number);
      const a2r = (tRe[2] as number) + (tRe[3] as number), a2i = (tIm[2] as number) + (tIm[3] as number);
      const b1r = (tRe[1] as number) - (tRe[4] as number), b1i = (tIm[1] as number) - (tIm[4] as number);
      const b2r = (tRe[2] as number) - (tRe[3] as number), b2i = (tIm[2] as number) - (tIm[3] as number);
      outRe[o] = r0 + a1r + a2r; outIm[o] = i0 + a1i + a2i;
      const u1r = r0 + C1 * a1r + C2 * a2r, u1i = i0 + C1 * a1i + C2 * a2i;
      const v1r = S1 * b1r + S2 * b2r, v1i = S1 * b1i + S2 * b2i;
      const u2r = r0 + C2 * a1r + C1 * a2r, u2i = i0 + C2 * a1i + C1 * a2i;
      const v2r = S2 * b1r - S1 * b2r, v2i = S2 * b1i - S1 * b2i;
      // X1,4 = u1 ∓ i·v1; X2,3 = u2 ∓ i·v2 (−i·(x + iy) = y − ix).
      outRe[o + m] = u1r + v1i; outIm[o + m] = u1i - v1r;
      outRe[o + 4 * m] = u1r - v1i; outIm[o + 4 * m] = u1i + v1r;
      outRe[o + 2 * m] = u2r + v2i; outIm[o + 2 * m] = u2i - v2r;
      outRe[o + 3 * m] = u2r - v2i; outIm[o + 3 * m] = u2i + v2r;
    } else {
      for (let s = 0; s < p; s += 1) {
        let sumRe = 0;
        let sumIm = 0;
        for (let q = 0; q < p; q += 1) {
          const w = ((q * s) % p) * (size / p);
          const wr = cos[w] as number;
          const wi = sin[w] as number;
          const xr = tRe[q] as number;
          const xi = tIm[q] as number;
          sumRe += xr * wr - xi * wi;
          sumIm += xr * wi + xi * wr;
        }
        outRe[o + s * m] = sumRe;
        outIm[o + s * m] = sumIm;
      }
    }
  }

  return {
    size,
    transform(re, im, outRe, outIm) {
      if (re.length < size || im.length < size || outRe.length < size || outIm.length < size) throw new Error(`FFT buffers must hold ${size} values`);
      if (size === 1) {
        outRe[0] = re[0] as number;
        outIm[0] = im[0] as number;
        return;
      }
      step(re, im, 0, 1, outRe, outIm, 0, size, 0);
    },
  };
}
