/**
 * Plane-to-plane perspective maps (3×3 homographies): a page photographed at an angle is a quadrilateral in
 * the photo, and one homography takes the flattened page's pixels to the photo's and back.
 */

export type Point = readonly [x: number, y: number];
/** Row-major 3×3 matrix, the last entry 1. */
export type Homography = readonly number[];

/**
 * The homography taking each of the four `from` points to the `to` point at the same index (a direct
 * linear solve with partial pivoting). Undefined when three of the points are on one line.
 */
export function homographyBetween(from: readonly Point[], to: readonly Point[]): Homography | undefined {
  if (from.length !== 4 || to.length !== 4 || hasThreeInLine(from) || hasThreeInLine(to)) return undefined;
  const rows: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y] = from[i] ?? [0, 0];
    const [u, v] = to[i] ?? [0, 0];
    rows.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    rows.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  }
  for (let col = 0; col < 8; col++) {
    let pivot = col;
    for (let row = col + 1; row < 8; row++)
      if (Math.abs(rows[row]?.[col] ?? 0) > Math.abs(rows[pivot]?.[col] ?? 0)) pivot = row;
    const pivotRow = rows[pivot] as number[];
    if (Math.abs(pivotRow[col] ?? 0) < 1e-12) return undefined;
    rows[pivot] = rows[col] as number[];
    rows[col] = pivotRow;
    for (let row = 0; row < 8; row++) {
      if (row === col) continue;
      const current = rows[row] as number[];
      const factor = (current[col] ?? 0) / (pivotRow[col] ?? 1);
      for (let k = col; k < 9; k++) current[k] = (current[k] ?? 0) - factor * (pivotRow[k] ?? 0);
    }
  }
  return [...rows.map((row, i) => (row[8] ?? 0) / (row[i] ?? 1)), 1];
}

/** Whether three of the four points lie on one line (within a millionth of the points' spread). */
function hasThreeInLine(points: readonly Point[]): boolean {
  const xs = points.map(([x]) => x);
  const ys = points.map(([, y]) => y);
  const spread = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
  for (let skip = 0; skip < 4; skip++) {
    const [a, b, c] = points.filter((_, n) => n !== skip) as [Point, Point, Point];
    const twiceArea = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
    if (Math.abs(twiceArea) <= 1e-6 * spread * spread) return true;
  }
  return false;
}

/** Where `h` takes the point (x, y). */
export function mapPoint(h: Homography, x: number, y: number): Point {
  const w = (h[6] ?? 0) * x + (h[7] ?? 0) * y + (h[8] ?? 1);
  return [
    ((h[0] ?? 0) * x + (h[1] ?? 0) * y + (h[2] ?? 0)) / w,
    ((h[3] ?? 0) * x + (h[4] ?? 0) * y + (h[5] ?? 0)) / w,
  ];
}
