/**
 * Draws from Beta(alpha, beta) as X / (X + Y) with X ~ Gamma(alpha), Y ~ Gamma(beta), using
 * Marsaglia and Tsang's squeeze method for the gamma draws. `random` returns uniforms in [0, 1),
 * injected so that tests and simulations repeat.
 */
export function sampleBeta(alpha: number, beta: number, random: () => number): number {
  const x = sampleGamma(alpha, random);
  const y = sampleGamma(beta, random);
  return x + y > 0 ? x / (x + y) : 0.5;
}

function sampleGamma(shape: number, random: () => number): number {
  if (shape <= 0) return 0;
  if (shape < 1) {
    // Boost to shape + 1, then scale back by U^(1/shape).
    return sampleGamma(shape + 1, random) * Math.pow(Math.max(random(), 1e-300), 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = standardNormal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random();
    if (u < 1 - 0.0331 * x ** 4) return d * v;
    if (Math.log(Math.max(u, 1e-300)) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

function standardNormal(random: () => number): number {
  const u1 = Math.max(random(), 1e-300);
  const u2 = random();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
