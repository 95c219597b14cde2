// Geometry for text detection: regions of a binary map, their minimum-area rotated
// rectangles, the "unclip" that grows a shrunk text kernel back to the text's extent, and
// reading order.

export interface Point {
  x: number;
  y: number;
}

/** A rotated rectangle as four corners: top-left, top-right, bottom-right, bottom-left. */
export type Quad = [Point, Point, Point, Point];

export interface RotatedRect {
  center: Point;
  /** Along the text direction. */
  width: number;
  height: number;
  /** Radians; the direction of the `width` side. */
  angle: number;
}

/**
 * 4-connected regions of `mask` (1 = set), as lists of pixel indexes. Regions smaller than
 * `minPixels` are dropped. Iterative flood fill: no recursion depth to overflow on big pages.
 */
export function connectedRegions(mask: Uint8Array, width: number, height: number, minPixels = 4): number[][] {
  const seen = new Uint8Array(mask.length);
  const regions: number[][] = [];
  const stack: number[] = [];
  for (let start = 0; start < mask.length; start += 1) {
    if (!mask[start] || seen[start]) continue;
    const region: number[] = [];
    seen[start] = 1;
    stack.push(start);
    while (stack.length > 0) {
      const p = stack.pop() as number;
      region.push(p);
      const x = p % width;
      const neighbours = [x > 0 ? p - 1 : -1, x < width - 1 ? p + 1 : -1, p - width, p + width];
      for (const n of neighbours) {
        if (n >= 0 && n < mask.length && mask[n] && !seen[n]) {
          seen[n] = 1;
          stack.push(n);
        }
      }
    }
    if (region.length >= minPixels) regions.push(region);
  }
  return regions;
}

function cross(o: Point, a: Point, b: Point): number {
  return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

/** Convex hull (Andrew's monotone chain), counter-clockwise, no collinear points. */
export function convexHull(points: Point[]): Point[] {
  const sorted = [...points].sort((a, b) => a.x - b.x || a.y - b.y);
  if (sorted.length <= 2) return sorted;
  const lower: Point[] = [];
  for (const p of sorted) {
    while (lower.length >= 2 && cross(lower[lower.length - 2] as Point, lower[lower.length - 1] as Point, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: Point[] = [];
  for (let i = sorted.length - 1; i >= 0; i -= 1) {
    const p = sorted[i] as Point;
    while (upper.length >= 2 && cross(upper[upper.length - 2] as Point, upper[upper.length - 1] as Point, p) <= 0) upper.pop();
    upper.push(p);
  }
  return lower.slice(0, -1).concat(upper.slice(0, -1));
}

/**
 * The pixel-corner outline of a region: each pixel contributes its four corners, so a
 * one-pixel-high line still has an area. Only boundary pixels matter for the hull.
 */
export function regionCorners(region: number[], width: number): Point[] {
  const byRow = new Map<number, [number, number]>();
  for (const p of region) {
    const x = p % width;
    const y = (p - x) / width;
    const span = byRow.get(y);
    if (!span) byRow.set(y, [x, x]);
    else {
      if (x < span[0]) span[0] = x;
      if (x > span[1]) span[1] = x;
    }
  }
  const corners: Point[] = [];
  for (const [y, [minX, maxX]] of byRow) {
    corners.push({ x: minX, y }, { x: maxX + 1, y }, { x: minX, y: y + 1 }, { x: maxX + 1, y: y + 1 });
  }
  return corners;
}

/** Minimum-area enclosing rectangle by rotating calipers over the hull's edges. */
export function minAreaRect(points: Point[]): RotatedRect {
  const hull = convexHull(points);
  if (hull.length < 3) {
    const xs = points.map((p) => p.x);
    const ys = points.map((p) => p.y);
    const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    return { center: { x: (minX + maxX) / 2, y: (minY + maxY) / 2 }, width: maxX - minX, height: maxY - minY, angle: 0 };
  }
  let best: RotatedRect | null = null;
  let bestArea = Infinity;
  for (let i = 0; i < hull.length; i += 1) {
    const a = hull[i] as Point;
    const b = hull[(i + 1) % hull.length] as Point;
    const angle = Math.atan2(b.y - a.y, b.x - a.x);
    const [cos, sin] = [Math.cos(angle), Math.sin(angle)];
    let [minU, maxU, minV, maxV] = [Infinity, -Infinity, Infinity, -Infinity];
    for (const p of hull) {
      const u = p.x * cos + p.y * sin;
      const v = -p.x * sin + p.y * cos;
      if (u < minU) minU = u;
      if (u > maxU) maxU = u;
      if (v < minV) minV = v;
      if (v > maxV) maxV = v;
    }
    const area = (maxU - minU) * (maxV - minV);
    if (area < bestArea) {
      bestArea = area;
      const cu = (minU + maxU) / 2;
      const cv = (minV + maxV) / 2;
      best = { center: { x: cu * cos - cv * sin, y: cu * sin + cv * cos }, width: maxU - minU, height: maxV - minV, angle };
    }
  }
  return normalizeRect(best as RotatedRect);
}

/** Make `width` the longer side and keep the angle within (-45°, 45°], as text reads. */
export function normalizeRect(rect: RotatedRect): RotatedRect {
  let { width, height, angle } = rect;
  if (height > width) {
    [width, height] = [height, width];
    angle += Math.PI / 2;
  }
  while (angle > Math.PI / 2) angle -= Math.PI;
  while (angle <= -Math.PI / 2) angle += Math.PI;
  return { center: rect.center, width, height, angle };
}

/**
 * DB text detection predicts a shrunk kernel of each text region; grow it back by
 * area × ratio / perimeter on every side (the rectangle case of the polygon offset).
 */
export function unclip(rect: RotatedRect, ratio: number): RotatedRect {
  const area = rect.width * rect.height;
  const perimeter = 2 * (rect.width + rect.height);
  const distance = perimeter > 0 ? (area * ratio) / perimeter : 0;
  return { ...rect, width: rect.width + 2 * distance, height: rect.height + 2 * distance };
}

export function rectCorners(rect: RotatedRect): Quad {
  const [cos, sin] = [Math.cos(rect.angle), Math.sin(rect.angle)];
  const hw = rect.width / 2;
  const hh = rect.height / 2;
  const at = (u: number, v: number): Point => ({ x: rect.center.x + u * cos - v * sin, y: rect.center.y + u * sin + v * cos });
  return [at(-hw, -hh), at(hw, -hh), at(hw, hh), at(-hw, hh)];
}

/** Reading order: top to bottom; boxes whose tops are within `lineTolerance` read left to right. */
export function readingOrder<T extends { box: Quad }>(items: T[], lineTolerance = 10): T[] {
  const top = (q: Quad) => Math.min(...q.map((p) => p.y));
  const left = (q: Quad) => Math.min(...q.map((p) => p.x));
  const sorted = [...items].sort((a, b) => top(a.box) - top(b.box) || left(a.box) - left(b.box));
  // One pass of neighbour swaps, as PaddleOCR does, for boxes on the same line.
  for (let i = 0; i < sorted.length - 1; i += 1) {
    for (let j = i; j >= 0; j -= 1) {
      const a = sorted[j] as T;
      const b = sorted[j + 1] as T;
      if (Math.abs(top(b.box) - top(a.box)) < lineTolerance && left(b.box) < left(a.box)) {
        sorted[j] = b;
        sorted[j + 1] = a;
      } else break;
    }
  }
  return sorted;
}
