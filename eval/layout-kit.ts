/** Ways documents lay out label/value pairs, shared by the generators; each records the truth it prints. */
import type { ExpectedField } from './cases';
import type { ValueType } from './normalise';
import type { PageBuilder, Rect, TextStyle } from './page';
import type { Random } from './random';

/** A fact to print: its truth, and how it reads on the page. */
export interface Pair {
  key: string;
  concept?: string;
  /** The printed label; empty for a value printed without one. */
  label: string;
  /** The value as printed. */
  printed: string;
  type: ValueType;
  /** The comparable truth; the printed text unless given. */
  value?: string;
  /** Printed, but not a fact to score (an item line, a phone number). */
  unscored?: boolean;
}

export const PAIR_STYLES = ['colon', 'gap', 'stacked', 'table', 'two-per-row'] as const;
export type PairStyle = (typeof PAIR_STYLES)[number];

export class Truth {
  readonly fields: ExpectedField[] = [];

  add(pair: Pair, rects: Rect[]): void {
    if (pair.unscored) return;
    this.fields.push({
      key: pair.key,
      ...(pair.concept ? { concept: pair.concept } : {}),
      printed: pair.label ? [pair.label.replace(/[:.]+$/, '')] : [],
      type: pair.type,
      value: pair.value ?? pair.printed,
      rects,
    });
  }
}

export interface Area {
  x: number;
  y: number;
  width: number;
}

export interface PairOptions {
  size: number;
  labelStyle?: TextStyle;
  valueStyle?: TextStyle;
  lineGap?: number;
  /** How labels are written: as given, upper case, with a colon. */
  colon?: boolean;
  upper?: boolean;
  /** Columns of the stacked style; random (1–3) unless the page has room for only some. */
  columns?: number;
}

function labelText(pair: Pair, options: PairOptions, colon: boolean): string {
  const text = options.upper ? pair.label.toUpperCase() : pair.label;
  return colon && text ? `${text}:` : text;
}

/** Prints the pairs in one style from `area.y` on (the first baseline), recording each value; returns the next baseline. */
export function layPairs(
  b: PageBuilder,
  truth: Truth,
  random: Random,
  pairs: Pair[],
  style: PairStyle,
  area: Area,
  options: PairOptions,
): number {
  const size = options.size;
  const gap = options.lineGap ?? Math.round(size * 1.7);
  const labelStyle = { size, ...options.labelStyle };
  const valueStyle = { size, ...options.valueStyle };
  let y = area.y;
  switch (style) {
    case 'colon': {
      for (const pair of pairs) {
        const label = labelText(pair, options, options.colon ?? true);
        const labelRect = label ? b.text(area.x, y, label, labelStyle) : undefined;
        const x = labelRect
          ? labelRect.x + labelRect.w + b.measure(' ', labelStyle).width * random.int(1, 2)
          : area.x;
        truth.add(pair, [b.text(x, y, pair.printed, valueStyle)]);
        y += gap;
      }
      return y;
    }
    case 'gap': {
      // Colon-less labels with the value in a column to the right, or flush right.
      const flushRight = random.chance(0.5);
      const column =
        area.x +
        Math.max(...pairs.map((pair) => b.measure(labelText(pair, options, false), labelStyle).width)) +
        size * random.int(2, 5);
      for (const pair of pairs) {
        b.text(area.x, y, labelText(pair, options, options.colon ?? false), labelStyle);
        const rect = flushRight
          ? b.textRight(area.x + area.width, y, pair.printed, valueStyle)
          : b.text(column, y, pair.printed, valueStyle);
        truth.add(pair, [rect]);
        y += gap;
      }
      return y;
    }
    case 'stacked': {
      // Small labels above their values, in up to three columns.
      const columns = Math.min(pairs.length, options.columns ?? random.int(1, 3));
      const columnWidth = area.width / columns;
      const small = { ...labelStyle, size: Math.round(size * 0.7), color: labelStyle.color ?? '#444444' };
      for (let i = 0; i < pairs.length; i += columns) {
        const row = pairs.slice(i, i + columns);
        row.forEach((pair, column) => {
          const x = area.x + column * columnWidth;
          b.text(x, y, labelText(pair, options, options.colon ?? false), small);
          truth.add(pair, [b.text(x, y + Math.round(size * 1.25), pair.printed, valueStyle)]);
        });
        y += Math.round(size * 1.25) + gap;
      }
      return y;
    }
    case 'table': {
      // A row of column labels over a row of values; columns as wide as their widest text needs.
      const small = { ...labelStyle, size: Math.round(size * 0.8) };
      const need = (pair: Pair) =>
        Math.max(
          b.measure(labelText(pair, options, false), small).width,
          b.measure(pair.printed, valueStyle).width,
        ) +
        size * 1.5;
      let perRow = Math.min(pairs.length, 4);
      const fits = (count: number) => {
        for (let i = 0; i < pairs.length; i += count) {
          if (pairs.slice(i, i + count).reduce((sum, pair) => sum + need(pair), 0) > area.width) return false;
        }
        return true;
      };
      while (perRow > 1 && !fits(perRow)) perRow--;
      for (let i = 0; i < pairs.length; i += perRow) {
        const row = pairs.slice(i, i + perRow);
        const spare = (area.width - row.reduce((sum, pair) => sum + need(pair), 0)) / row.length;
        let x = area.x;
        for (const pair of row) {
          b.text(x, y, labelText(pair, options, false), small);
          truth.add(pair, [b.text(x, y + Math.round(size * 1.4), pair.printed, valueStyle)]);
          x += need(pair) + Math.max(0, spare);
        }
        y += Math.round(size * 1.4) + gap + size * 0.4;
      }
      return y;
    }
    case 'two-per-row': {
      // The right-hand pair starts at the middle, or clear of the widest left-hand pair.
      const space = b.measure(' ', labelStyle).width;
      const leftWidths = pairs
        .filter((_, index) => index % 2 === 0)
        .map(
          (pair) =>
            b.measure(labelText(pair, options, options.colon ?? true), labelStyle).width +
            space +
            b.measure(pair.printed, valueStyle).width,
        );
      const half = Math.max(area.width / 2, Math.max(...leftWidths) + size * 2);
      for (let i = 0; i < pairs.length; i += 2) {
        for (const [offset, pair] of pairs.slice(i, i + 2).entries()) {
          const x = area.x + offset * half;
          const label = labelText(pair, options, options.colon ?? true);
          const labelRect = b.text(x, y, label, labelStyle);
          truth.add(pair, [
            b.text(labelRect.x + labelRect.w + b.measure(' ', labelStyle).width, y, pair.printed, valueStyle),
          ]);
        }
        y += gap;
      }
      return y;
    }
  }
}
