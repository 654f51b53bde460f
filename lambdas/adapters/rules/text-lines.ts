/**
 * Reading the layout of OCR text: lines, "Label: value" pairs, blank fields (underscores, dotted
 * leaders, empty boxes, nothing after the colon) and the heading.
 */
import { parseDate } from '../../core/strategies/dates';
import { cleanText } from '../../core/strategies/normalise';
import { PAGE_MARKER } from '../../core/strategies/ocr-text';

export interface LabelledValue {
  label: string;
  value: string;
}

export interface SegmentReading {
  pairs: LabelledValue[];
  blanks: string[];
}

const LABEL = /^([\p{L}][\p{L}\p{N} .,'’/()#&%-]{0,48}?)\s*[:：]\s*(.*)$/u;
const MAX_LABEL_WORDS = 6;
const BLANK_RUN = /((?:\s*(?:_{2,}|\.{3,}|…+|\[\s*\]|[☐□❏]))+)/u;
const BOX = /\[\s*\]|[☐□❏]/u;
const DOTTED_LEADER = /^\s*(?:\.{3,}|…+)\s*$/u;

/** Non-empty trimmed lines of OCR text, page markers left out. */
export function ocrLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !PAGE_MARKER.test(line));
}

/**
 * Columns on one line: OCR keeps wide gaps, tabs and bars between separate label/value pairs. A lone
 * `Label:` followed across a gap by a value (`Total:        8.25`) stays one column with it.
 */
export function segments(line: string): string[] {
  const parts = line
    .split(/\t+| {3,}| \| /)
    .map((part) => part.trim())
    .filter(Boolean);
  const merged: string[] = [];
  for (const part of parts) {
    const previous = merged.at(-1);
    const awaitsValue =
      previous !== undefined && labelledValue(previous)?.value === '' && !BLANK_RUN.test(previous);
    if (awaitsValue && !/[:：]/.test(part) && !BLANK_RUN.test(part))
      merged[merged.length - 1] = `${previous} ${part}`;
    else merged.push(part);
  }
  return merged;
}

function isLabel(text: string): boolean {
  return text.length > 0 && /^\p{L}/u.test(text) && text.split(/\s+/).length <= MAX_LABEL_WORDS;
}

/** `Label: value` → its parts (value may be empty); undefined when the text is no such line. */
export function labelledValue(text: string): LabelledValue | undefined {
  const match = LABEL.exec(text.trim());
  if (!match || !isLabel(match[1].trim())) return undefined;
  // "https://…" and times such as "at 10:30" are not labels.
  if (/^https?$/i.test(match[1]) || (/\d$/.test(match[1]) && /^\d/.test(match[2]))) return undefined;
  return { label: cleanText(match[1]), value: cleanText(match[2]) };
}

function withoutColon(text: string): string {
  return cleanText(text).replace(/\s*[:：]$/, '');
}

/** Text followed by blank marks: each text is a label still to fill in. */
function readBlanks(parts: string[]): SegmentReading {
  const reading: SegmentReading = { pairs: [], blanks: [] };
  const [lead, firstMark] = [parts[0].trim(), parts[1]];
  const texts = parts.filter((_, index) => index % 2 === 0).map((text) => text.trim());
  // "Marital status: ☐ Married ☐ Single": one field whose options are boxes.
  if (lead.endsWith(':') && BOX.test(firstMark) && texts.slice(1).some(Boolean)) {
    reading.blanks.push(withoutColon(lead));
    return reading;
  }
  // "☐ I agree to the terms": the box comes before its label.
  if (lead === '') {
    for (const text of texts.slice(1))
      if (isLabel(withoutColon(text))) reading.blanks.push(withoutColon(text));
    return reading;
  }
  for (let index = 0; index < parts.length; index += 2) {
    const text = parts[index].trim();
    const mark = parts[index + 1];
    if (!text) continue;
    if (mark === undefined) {
      const pair = labelledValue(text);
      if (pair?.value) reading.pairs.push(pair);
      else if (pair) reading.blanks.push(pair.label);
      continue;
    }
    const next = parts[index + 2]?.trim() ?? '';
    // "Total ......... 21.98": a dotted leader between a label and its value.
    if (DOTTED_LEADER.test(mark) && next && index + 3 >= parts.length && !next.includes(':')) {
      if (isLabel(withoutColon(text)))
        reading.pairs.push({ label: withoutColon(text), value: cleanText(next) });
      return reading;
    }
    if (isLabel(withoutColon(text))) reading.blanks.push(withoutColon(text));
  }
  return reading;
}

/** The labelled values and blank fields of one column of a line. */
export function readSegment(segment: string): SegmentReading {
  const parts = segment.split(BLANK_RUN);
  if (parts.length > 1) return readBlanks(parts);
  const pair = labelledValue(segment);
  if (!pair) return { pairs: [], blanks: [] };
  return pair.value ? { pairs: [pair], blanks: [] } : { pairs: [], blanks: [pair.label] };
}

/** All labelled values and blank fields of a text, in reading order. */
export function readLayout(lines: readonly string[]): SegmentReading {
  const reading: SegmentReading = { pairs: [], blanks: [] };
  for (const line of lines) {
    for (const segment of segments(line)) {
      const part = readSegment(segment);
      reading.pairs.push(...part.pairs);
      reading.blanks.push(...part.blanks);
    }
  }
  return reading;
}

/** How far into a text the heading is looked for. */
const HEADING_SEARCH_LINES = 8;

/** Short, mostly letters, not a label, a blank field or a date: how headings and names look. */
export function isHeadingLike(line: string): boolean {
  const letters = line.match(/\p{L}/gu)?.length ?? 0;
  return (
    letters >= 3 &&
    letters / line.length >= 0.6 &&
    line.length <= 60 &&
    line.split(/\s+/).length <= 8 &&
    !/[:：]/.test(line) &&
    !BLANK_RUN.test(line) &&
    parseDate(line) === undefined
  );
}

/** The first line that reads as a heading (mostly letters, short, not a label), else the first line. */
export function headingLine(lines: readonly string[]): string | undefined {
  return lines.slice(0, HEADING_SEARCH_LINES).find(isHeadingLike) ?? lines[0];
}

/** Lines after `from` that read as headings (not sentences such as "Thank you."), for padding a title. */
export function headingLinesAfter(lines: readonly string[], from: string | undefined): string[] {
  const start = from === undefined ? 0 : lines.indexOf(from) + 1;
  return lines
    .slice(start, start + HEADING_SEARCH_LINES)
    .filter((line) => isHeadingLike(line) && !/[.!?]$/.test(line));
}
