import { describe, expect, it } from 'vitest';
import { homographyBetween, mapPoint } from '../../lambdas/core/homography';

describe('homographyBetween', () => {
  const square = [
    [0, 0],
    [100, 0],
    [100, 100],
    [0, 100],
  ] as const;
  const quad = [
    [12, 8],
    [130, 20],
    [118, 140],
    [5, 110],
  ] as const;

  it('takes each corner of a square to the corner of a quadrilateral, and back again', () => {
    const forward = homographyBetween(square, quad);
    const backward = homographyBetween(quad, square);
    expect(forward && backward).toBeTruthy();
    quad.forEach(([x, y], n) => {
      const [u, v] = mapPoint(forward ?? [], square[n]?.[0] ?? 0, square[n]?.[1] ?? 0);
      expect(u).toBeCloseTo(x, 6);
      expect(v).toBeCloseTo(y, 6);
    });
    const [u, v] = mapPoint(forward ?? [], 37, 61);
    const [x, y] = mapPoint(backward ?? [], u, v);
    expect(x).toBeCloseTo(37, 6);
    expect(y).toBeCloseTo(61, 6);
  });

  it('keeps straight lines straight: the middle of the square goes where the diagonals cross', () => {
    const [x, y] = mapPoint(homographyBetween(square, quad) ?? [], 50, 50);
    // Where the diagonals (12,8)-(118,140) and (130,20)-(5,110) meet.
    const crossing = (t: number) => [12 + t * 106, 8 + t * 132];
    const t = ((130 - 12) * (110 - 20) - (20 - 8) * (5 - 130)) / (106 * (110 - 20) - 132 * (5 - 130));
    expect(x).toBeCloseTo(crossing(t)[0] ?? 0, 6);
    expect(y).toBeCloseTo(crossing(t)[1] ?? 0, 6);
  });

  it('has no map onto three points on one line', () => {
    expect(
      homographyBetween(square, [
        [0, 0],
        [50, 0],
        [100, 0],
        [0, 100],
      ]),
    ).toBeUndefined();
  });
});
