import { describe, expect, it } from 'vitest';
import { type Homography, homographyBetween, mapPoint } from '../../lambdas/core/homography';
import { boxInSentImage, identityFrame } from '../../lambdas/core/read-frame';

describe('boxInSentImage', () => {
  it('gives pixels of a picture read as sent as fractions of it', () => {
    expect(boxInSentImage(identityFrame(1000, 500), 100, 50, 300, 100)).toEqual({
      left: 0.1,
      top: 0.1,
      width: 0.2,
      height: 0.1,
    });
  });

  it('divides out the scale of an enlarged picture', () => {
    const frame = { ...identityFrame(1000, 500), scaleX: 2, scaleY: 2 };
    expect(boxInSentImage(frame, 200, 100, 600, 200)).toEqual({
      left: 0.1,
      top: 0.1,
      width: 0.2,
      height: 0.1,
    });
  });

  it('turns a box of a straightened picture back about its centre', () => {
    // Read turned by -90° (tesseract's sign): a point right of the centre came from below it.
    const frame = { ...identityFrame(1000, 1000), radians: -Math.PI / 2 };
    const box = boxInSentImage(frame, 890, 490, 910, 510);
    expect(box.left).toBeCloseTo(0.49, 4);
    expect(box.top).toBeCloseTo(0.89, 4);
    expect(box.width).toBeCloseTo(0.02, 4);
    expect(box.height).toBeCloseTo(0.02, 4);
  });

  it('holds a turned word in an upright box, scaled and turned together, cut at the page edge', () => {
    const frame = { width: 400, height: 300, scaleX: 2, scaleY: 2, radians: 0.1 };
    const box = boxInSentImage(frame, 100, 100, 500, 140);
    // Turning a 400 x 40 px word by 0.1 rad makes its upright box taller than the word.
    expect(box.height * 300).toBeGreaterThan(20 + 10);
    expect(boxInSentImage(frame, -50, -50, 10, 10)).toMatchObject({ left: 0, top: 0 });
  });

  it('carries a box of a flattened page back onto the quadrilateral the page is in the photo', () => {
    // A 400 x 600 px page photographed in perspective onto a 1000 x 1000 px photo, read enlarged 2x.
    const quad = [
      [200, 100],
      [700, 150],
      [750, 900],
      [150, 850],
    ] as const;
    const toSent = homographyBetween(
      [
        [0, 0],
        [400, 0],
        [400, 600],
        [0, 600],
      ],
      quad,
    ) as Homography;
    const frame = {
      ...identityFrame(1000, 1000),
      scaleX: 2,
      scaleY: 2,
      page: { width: 400, height: 600, toSent },
    };
    // The page's top-left word (its first 20 x 10 px) sits at the quad's top-left corner.
    const corner = boxInSentImage(frame, 0, 0, 40, 20);
    expect(corner.left).toBeCloseTo(0.2, 2);
    expect(corner.top).toBeCloseTo(0.1, 2);
    // A word in the middle of the page lands where the warp puts the page's middle, not the photo's.
    const middle = boxInSentImage(frame, 390, 590, 410, 610);
    const [x, y] = mapPoint(toSent, 200, 300);
    expect(middle.left + middle.width / 2).toBeCloseTo(x / 1000, 3);
    expect(middle.top + middle.height / 2).toBeCloseTo(y / 1000, 2);
  });

  it("turns a word back about the flattened page's centre before carrying it into the photo", () => {
    const toSent = homographyBetween(
      [
        [0, 0],
        [400, 0],
        [400, 600],
        [0, 600],
      ],
      [
        [100, 100],
        [500, 100],
        [500, 700],
        [100, 700],
      ],
    ) as Homography;
    // Read turned by -90°: a point right of the page's centre came from below it.
    const frame = {
      ...identityFrame(1000, 1000),
      radians: -Math.PI / 2,
      page: { width: 400, height: 600, toSent },
    };
    const box = boxInSentImage(frame, 390, 290, 410, 310);
    expect(box.left + box.width / 2).toBeCloseTo(0.3, 3);
    expect(box.top + box.height / 2).toBeCloseTo(0.6, 3);
  });

  it('gives an empty box for a picture of no size', () => {
    expect(boxInSentImage(identityFrame(0, 0), 1, 1, 2, 2)).toEqual({ left: 0, top: 0, width: 0, height: 0 });
  });
});
