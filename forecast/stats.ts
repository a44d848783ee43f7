/** Small statistics on sorted samples: empirical quantiles, trimmed means, correlation. */

/** Empirical quantile `q` (0–1) of ascending `sorted`, linear between order statistics (Hyndman–Fan type 7, numpy's default). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** Mean of ascending `sorted` without its lowest and highest `trim` share (0.1: 10 % each side). */
export function trimmedMeanSorted(sorted: ArrayLike<number>, trim: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const cut = Math.floor(n * trim);
  let sum = 0;
  for (let i = cut; i < n - cut; i++) sum += sorted[i];
  return sum / (n - 2 * cut);
}

/** Pearson correlation of paired samples; NaN with fewer than two pairs or no variance. */
export function correlation(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  if (n < 2) return Number.NaN;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += xs[i];
    my += ys[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : Number.NaN;
}

export const ascending = (a: number, b: number): number => a - b;
