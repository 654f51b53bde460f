import type { Line } from 'tesseract.js';
import { describe, expect, it } from 'vitest';
import { isZoneReading, mayBeZoneLine, zoneBands } from '../../lambdas/adapters/tesseract-zone';

const line = (text: string, y0: number, y1: number, x0 = 40, x1 = 600) =>
  ({ text, bbox: { x0, y0, x1, y1 } }) as unknown as Line;

describe('machine-readable zone lines on photos', () => {
  it('takes the page read of a zone with its fillers misread for a zone line, and prose for none', () => {
    // What tesseract's page read made of photographed zones.
    expect(mayBeZoneLine('| TOPRINYAVII092 ccaxcaccauceece')).toBe(true);
    expect(mayBeZoneLine(': DEAF OR OSL Rca ccc ccc eesss')).toBe(true);
    expect(mayBeZoneLine('XFOKB77121BEL6203227TM3404 1 26<cccuccccawce<iB i')).toBe(true);
    expect(mayBeZoneLine('Please keep this letter for your records and quote the reference')).toBe(false);
    expect(mayBeZoneLine('P<BEL')).toBe(false);
  });

  it('keeps a re-read line only when it is made of zone characters with its fillers', () => {
    expect(isZoneReading('P<BELPETROV<<KENJI<<<<')).toBe(true);
    expect(isZoneReading('8 XU2D516929UT07212284M321 1027<')).toBe(true);
    expect(isZoneReading('RE')).toBe(false);
    expect(isZoneReading('PLEASEQUOTETHEREFERENCE')).toBe(false);
  });

  it('reads neighbouring zone lines as one band, widened by a line all round and kept in the picture', () => {
    const lines = [
      line('Surname OKAFOR', 100, 120),
      line('IDPRTNY4V331092 ccaccacicaceace', 500, 530, 20, 580),
      line('0004282F3510052PRT «ccc cxwcacel', 540, 570),
      line('OKAFOR<<OSCAR<<<<<<<<<<<<<<<<<', 580, 610),
      line('a footer far below', 900, 920),
    ];
    const bands = zoneBands(lines, 620, 1000);
    expect(bands).toHaveLength(1);
    expect(bands[0]?.lines.map(({ text }) => text.slice(0, 6))).toEqual(['IDPRTN', '000428', 'OKAFOR']);
    expect(bands[0]?.rectangle).toEqual({ left: 0, top: 463, width: 620, height: 184 });
  });
});
