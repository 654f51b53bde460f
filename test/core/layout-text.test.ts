import { describe, expect, it } from 'vitest';
import { type LayoutWord, lineOf, type PageLayout, typesetLayout } from '../../lambdas/core/layout';
import { cappedLayoutText, layoutRows, layoutText, pageLayoutText } from '../../lambdas/core/layout-text';

/** A word 1% of the page wide per character, 2% high, at (left, top). */
function word(text: string, left: number, top: number, height = 0.02): LayoutWord {
  return { text, box: { left, top, width: text.length * 0.01, height }, confidence: 0.99 };
}

/** Words placed left to right from `left` with one character of space between them. */
function run(text: string, left: number, top: number): LayoutWord[] {
  const words: LayoutWord[] = [];
  let x = left;
  for (const part of text.split(' ')) {
    words.push(word(part, x, top));
    x += (part.length + 1) * 0.01;
  }
  return words;
}

function page(...lines: LayoutWord[][]): PageLayout {
  return { width: 1000, height: 1400, lines: lines.map(lineOf), source: 'ocr' };
}

describe('layout text', () => {
  it('puts words of one visual row on one line even when OCR gave them as separate lines', () => {
    // Textract often returns the two columns of a row as two LINE blocks, the right one later.
    const layout = page(
      run('Invoice No: 42', 0.1, 0.1),
      run('Ship to', 0.1, 0.13),
      run('Date: 2024-03-05', 0.6, 0.101),
    );
    const rows = pageLayoutText(layout).split('\n');
    expect(rows[0]).toMatch(/^Invoice No: 42 {3,}Date: 2024-03-05$/);
    expect(rows[1]).toBe('Ship to');
  });

  it('keeps column gaps as runs of spaces in proportion to the gap', () => {
    const layout = page(
      [...run('Coffee', 0.1, 0.1), word('3.50', 0.4, 0.1)],
      [...run('Tea', 0.1, 0.13), word('12.00', 0.8, 0.13)],
    );
    const [coffee, tea] = pageLayoutText(layout).split('\n');
    const gap = (line: string) => line.match(/ {3,}/)?.[0].length ?? 0;
    expect(gap(tea)).toBeGreaterThan(gap(coffee) + 20);
    // Columns are measured from the same origin: 0.4 and 0.8 of the page are 30 and 70 columns in.
    expect(coffee.indexOf('3.50')).toBe(30);
    expect(tea.indexOf('12.00')).toBe(70);
  });

  it('joins words of a sentence with single spaces', () => {
    expect(pageLayoutText(page(run('Thank you for your business.', 0.1, 0.1)))).toBe(
      'Thank you for your business.',
    );
  });

  it('leaves a label and the value printed under it on adjacent lines, at the same column', () => {
    const layout = page(
      [...run('Invoice Date', 0.1, 0.1), ...run('Due Date', 0.5, 0.1)],
      [...run('Mar 14, 2024', 0.1, 0.125), ...run('Apr 13, 2024', 0.5, 0.125)],
    );
    const [labels, values] = pageLayoutText(layout).split('\n');
    expect(labels.indexOf('Due Date')).toBe(values.indexOf('Apr 13, 2024'));
    expect(values.startsWith('Mar 14, 2024')).toBe(true);
  });

  it('indents a row that starts in a right-hand column', () => {
    const layout = page(run('Name: Jane', 0.1, 0.1), run('Page 1 of 2', 0.7, 0.13));
    const [, right] = pageLayoutText(layout).split('\n');
    expect(right).toBe(`${' '.repeat(60)}Page 1 of 2`);
  });

  it('writes an empty line where a wide vertical gap separates blocks, not between close rows', () => {
    const layout = page(run('ACME', 0.1, 0.1), run('Total: 5', 0.1, 0.125), run('Thanks', 0.1, 0.3));
    expect(pageLayoutText(layout)).toBe('ACME\nTotal: 5\n\nThanks');
  });

  it('puts rows in reading order whatever order the engine listed its lines in', () => {
    const layout = page(run('third', 0.1, 0.5), run('first', 0.1, 0.1), run('second', 0.1, 0.13));
    expect(layoutRows(layout).map((row) => row.words.map((w) => w.text).join(' '))).toEqual([
      'first',
      'second',
      'third',
    ]);
  });

  it('straightens a skewed photo: a row tilted by 3° across the page still reads as one', () => {
    const slope = Math.tan((3 * Math.PI) / 180);
    const tilted = (text: string, left: number, top: number) =>
      run(text, left, top).map((w) => ({ ...w, box: { ...w.box, top: w.box.top + slope * w.box.left } }));
    const layout = page(
      tilted('Description of the goods sold', 0.05, 0.1),
      tilted('Amount', 0.8, 0.1),
      tilted('Copy paper in five reams', 0.05, 0.13),
      tilted('45.00', 0.8, 0.13),
    );
    const rows = pageLayoutText(layout).split('\n');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^Description of the goods sold {3,}Amount$/);
    expect(rows[1]).toMatch(/^Copy paper in five reams {3,}45\.00$/);
  });

  it("keeps the rows of a steeply tilted photo apart though each line's box is taller than the row pitch", () => {
    // 7°: a word's box grows by the tilt across its width, so boxes of adjacent rows overlap.
    const slope = Math.tan((7 * Math.PI) / 180);
    const tiltedRow = (texts: string[], top: number) => {
      let x = 0.05;
      return texts.map((text) => {
        const width = text.length * 0.01;
        const w: LayoutWord = {
          text,
          box: { left: x, top: top + slope * x, width, height: 0.02 + slope * width },
          confidence: 0.9,
        };
        x += width + 0.01;
        return w;
      });
    };
    const layout = page(
      tiltedRow(['IDBELBA8F84512', '8<<<<<<<<<<<<<<<'], 0.5),
      tiltedRow(['5708275F2808026BEL', '<<<<<<<<<<<6'], 0.528),
      tiltedRow(['HADDAD<<OMAR<OMAR', '<<<<<<<<<<<<<'], 0.556),
      // OCR's garbage from a shadow: words strung across rows at a wild slope.
      [word('ee', 0.05, 0.2), word('oe', 0.3, 0.32), word('a', 0.5, 0.26)],
    );
    expect(layoutRows(layout).map((row) => row.words.map((w) => w.text).join(' '))).toEqual([
      'ee oe a',
      'IDBELBA8F84512 8<<<<<<<<<<<<<<<',
      '5708275F2808026BEL <<<<<<<<<<<6',
      'HADDAD<<OMAR<OMAR <<<<<<<<<<<<<',
    ]);
  });

  it('does not let a stray tall mark read into a line join it to the line below', () => {
    // A bar or shadow read as a word makes the line's box three rows tall.
    const layout = page(
      [...run('Name Anna Smith', 0.1, 0.1), word('|', 0.3, 0.1, 0.06)],
      run('Date 2024-03-05', 0.1, 0.13),
    );
    expect(layoutRows(layout).map((row) => row.words.map((w) => w.text).join(' '))).toEqual([
      'Name Anna Smith |',
      'Date 2024-03-05',
    ]);
  });

  it('writes each page under its marker, a page without words as a bare marker', () => {
    const empty: PageLayout = { width: 10, height: 10, lines: [], source: 'ocr' };
    expect(layoutText([typesetLayout('ACME'), empty, typesetLayout('Total: 5')])).toBe(
      '--- Page 1 ---\nACME\n\n--- Page 2 ---\n\n--- Page 3 ---\nTotal: 5',
    );
    expect(layoutText([])).toBe('');
  });

  it('keeps a wide page within a bounded number of columns', () => {
    const tiny = (text: string, left: number) => ({
      ...word(text, left, 0.1),
      box: { left, top: 0.1, width: 0.001, height: 0.005 },
    });
    const text = pageLayoutText(page([tiny('a', 0), tiny('b', 0.99)]));
    expect(text.length).toBeLessThanOrEqual(170);
  });
});

describe('cappedLayoutText', () => {
  const page = (label: string, lines: number) =>
    typesetLayout(
      Array.from({ length: lines }, (_, n) => `${label} line ${n + 1} ${'x'.repeat(40)}`).join('\n'),
    );

  it('is layoutText, uncut, when the pages fit', () => {
    const pages = [page('A', 3), page('B', 2)];
    expect(cappedLayoutText(pages, 10_000)).toEqual({ text: layoutText(pages), cut: false });
  });

  it('keeps every page marker and a share of every page, gives a short page all of it, and says it cut', () => {
    const pages = [page('A', 200), page('B', 2), page('C', 200)];
    const { text, cut } = cappedLayoutText(pages, 4_000);
    expect(cut).toBe(true);
    expect(text.length).toBeLessThan(4_000 + 200);
    expect(text).toMatch(
      /--- Page 1 ---[\s\S]*A line 1 [\s\S]*--- Page 2 ---[\s\S]*--- Page 3 ---\nC line 1 /,
    );
    expect(text).toContain('B line 2');
    expect(text).not.toContain('A line 200');
    expect(text).not.toContain('C line 200');
    expect(text.match(/text of this page cut/g)).toHaveLength(2);
  });
});
