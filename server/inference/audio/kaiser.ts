// Kaiser-windowed FIR design, shared by the resamplers: the window's length and shape from the
// attenuation wanted and the transition width (Kaiser's formulas), and its value at a point.

/** The zeroth-order modified Bessel function of the first kind, by its series. */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 50; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
    if (term < 1e-12 * sum) break;
  }
  return sum;
}

/** Taps needed for `attenuationDb` with a transition band of `transition` (a fraction of the rate). */
export function kaiserLength(attenuationDb: number, transition: number): number {
  return Math.ceil((attenuationDb - 8) / (2.285 * 2 * Math.PI * transition)) + 1;
}

export function kaiserBeta(attenuationDb: number): number {
  return 0.1102 * (attenuationDb - 8.7);
}

/** The window at `r` in [-1, 1] from its centre (0 outside). */
export function kaiserWindow(r: number, beta: number): number {
  return Math.abs(r) > 1 ? 0 : besselI0(beta * Math.sqrt(1 - r * r)) / besselI0(beta);
}
