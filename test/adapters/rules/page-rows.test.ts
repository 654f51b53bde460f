import { describe, expect, it } from 'vitest';
import {
  isColonlessLabel,
  type PageReading,
  pageRows,
  readPages,
  textPages,
} from '../../../lambdas/adapters/rules/page-rows';
import { pageOf, type Row } from '../../support/page-layouts';

const pairsOf = (reading: PageReading) =>
  reading.pairs.map(({ label, value, style }) => ({ label, value, style }));
const looseOf = (reading: PageReading) => [...reading.loose.values()].flat().map((segment) => segment.text);
const read = (rows: Row[]) => readPages([pageOf(rows)]);

describe('page rows', () => {
  it('groups OCR lines into rows and splits a row at wide gaps, not at word spaces', () => {
    const rows = pageRows([
      pageOf([
        {
          y: 0.1,
          runs: [
            { text: 'Invoice No: INV-7', x: 0.05 },
            { text: 'Customer: Jane Doe', x: 0.55 },
          ],
        },
        { y: 0.14, runs: [{ text: 'Thank you for your business', x: 0.05 }] },
      ]),
    ]);
    expect(rows).toHaveLength(2);
    expect(rows[0].segments.map((segment) => segment.text)).toEqual([
      'Invoice No: INV-7',
      'Customer: Jane Doe',
    ]);
    expect(rows[1].segments.map((segment) => segment.text)).toEqual(['Thank you for your business']);
  });

  it('reads two pairs on one row without the first value swallowing the second label', () => {
    const reading = read([
      {
        y: 0.1,
        runs: [
          { text: 'Issued: 12 March 2024', x: 0.05 },
          { text: 'Customer: Jane Doe', x: 0.5 },
        ],
      },
      // Narrow gap: both pairs in one segment, split where the second label's words begin.
      { y: 0.14, runs: [{ text: 'Date: 2024-03-05 Departure Time: 14:32', x: 0.05 }] },
    ]);
    expect(pairsOf(reading)).toEqual([
      { label: 'Issued', value: '12 March 2024', style: 'colon' },
      { label: 'Customer', value: 'Jane Doe', style: 'colon' },
      { label: 'Date', value: '2024-03-05', style: 'colon' },
      { label: 'Departure Time', value: '14:32', style: 'colon' },
    ]);
  });

  it('reads colon-less labels and amounts, and a lone "Label:" with its value across the gap', () => {
    const reading = read([
      {
        y: 0.1,
        runs: [
          { text: 'Flat white', x: 0.05 },
          { text: '3.50', x: 0.8 },
        ],
      },
      {
        y: 0.14,
        runs: [
          { text: 'VAT 20%', x: 0.05 },
          { text: '2.10', x: 0.8 },
        ],
      },
      {
        y: 0.18,
        runs: [
          { text: 'TOTAL', x: 0.05, size: 0.03 },
          { text: '$12.50', x: 0.75, size: 0.03 },
        ],
      },
      {
        y: 0.23,
        runs: [
          { text: 'Paid by:', x: 0.05 },
          { text: 'VISA', x: 0.6 },
        ],
      },
      // The gap was read as one space: label words, then an amount.
      { y: 0.27, runs: [{ text: 'Amount due £ 4.00', x: 0.05 }] },
    ]);
    expect(pairsOf(reading)).toEqual([
      { label: 'VAT 20%', value: '2.10', style: 'gap' },
      { label: 'TOTAL', value: '$12.50', style: 'gap' },
      { label: 'Paid by', value: 'VISA', style: 'colon' },
      { label: 'Amount due', value: '£ 4.00', style: 'gap' },
    ]);
    // An item line is no label: its name holds no label word.
    expect(looseOf(reading)).toEqual(['Flat white', '3.50']);
  });

  it('ignores dotted leaders between a label and its value, and keeps a label before a blank loose', () => {
    const reading = read([
      {
        y: 0.1,
        runs: [
          { text: 'Total............', x: 0.05 },
          { text: '21.98', x: 0.6 },
        ],
      },
      {
        y: 0.14,
        runs: [
          { text: 'Reference', x: 0.05 },
          { text: '..........', x: 0.25 },
          { text: 'AB-12', x: 0.6 },
        ],
      },
      {
        y: 0.18,
        runs: [
          { text: 'Signature', x: 0.05 },
          { text: '..............', x: 0.25 },
        ],
      },
    ]);
    expect(pairsOf(reading)).toEqual([
      { label: 'Total', value: '21.98', style: 'gap' },
      { label: 'Reference', value: 'AB-12', style: 'leader' },
    ]);
    const signatureRow = pageRows([
      pageOf([{ y: 0.1, runs: [{ text: 'Signature ..........', x: 0.05 }] }]),
    ])[0];
    expect(signatureRow.segments.map((segment) => segment.fill ?? segment.text)).toEqual([
      'Signature',
      'dots',
    ]);
  });

  it('pairs small labels stacked above their values, bilingual labels included', () => {
    const reading = read([
      {
        y: 0.2,
        runs: [
          { text: 'Surname / Nom', x: 0.3, size: 0.014 },
          { text: 'Given names / Prénoms', x: 0.65, size: 0.014 },
        ],
      },
      {
        y: 0.225,
        runs: [
          { text: 'DOE', x: 0.3 },
          { text: 'JANE MARIE', x: 0.65 },
        ],
      },
      { y: 0.28, runs: [{ text: 'Date of birth', x: 0.3, size: 0.014 }] },
      { y: 0.305, runs: [{ text: '14 JUL 1990', x: 0.3 }] },
    ]);
    expect(pairsOf(reading)).toEqual([
      { label: 'Surname / Nom', value: 'DOE', style: 'table' },
      { label: 'Given names / Prénoms', value: 'JANE MARIE', style: 'table' },
      { label: 'Date of birth', value: '14 JUL 1990', style: 'stacked' },
    ]);
  });

  it('reads a row of column labels over a row of values, and a label awaiting its value below', () => {
    const reading = read([
      {
        y: 0.3,
        runs: [
          { text: 'PASSENGER', x: 0.03, size: 0.016 },
          { text: 'FLIGHT', x: 0.35, size: 0.016 },
          { text: 'GATE', x: 0.55, size: 0.016 },
          { text: 'SEAT', x: 0.75, size: 0.016 },
        ],
      },
      {
        y: 0.325,
        runs: [
          { text: 'SMITH/JOHN MR', x: 0.03 },
          { text: 'BA 117', x: 0.35 },
          { text: 'B12', x: 0.55 },
          { text: '14C', x: 0.75 },
        ],
      },
      { y: 0.4, runs: [{ text: 'Bill To:', x: 0.03 }] },
      { y: 0.425, runs: [{ text: 'Jane Doe', x: 0.03 }] },
      { y: 0.45, runs: [{ text: '12 Market Street', x: 0.03 }] },
    ]);
    expect(pairsOf(reading)).toEqual([
      { label: 'PASSENGER', value: 'SMITH/JOHN MR', style: 'table' },
      { label: 'FLIGHT', value: 'BA 117', style: 'table' },
      { label: 'GATE', value: 'B12', style: 'table' },
      { label: 'SEAT', value: '14C', style: 'table' },
      { label: 'Bill To', value: 'Jane Doe', style: 'stacked' },
    ]);
  });

  it('reads a row of column labels over values as a table though OCR misread one label into a value', () => {
    // `Flight` read as `art`: alone the row reads `PASSENGER NAME` → `art` across the gap.
    const reading = read([
      {
        y: 0.3,
        runs: [
          { text: 'PASSENGER NAME', x: 0.03, size: 0.016 },
          { text: 'art', x: 0.35, size: 0.016 },
          { text: 'Date', x: 0.55, size: 0.016 },
          { text: 'From', x: 0.75, size: 0.016 },
        ],
      },
      {
        y: 0.325,
        runs: [
          { text: 'PETROV/CHLOE MRS', x: 0.03 },
          { text: 'AC 6869', x: 0.35 },
          { text: '19-FEB-2024', x: 0.55 },
          { text: 'CDG', x: 0.75 },
        ],
      },
    ]);
    expect(pairsOf(reading)).toEqual([
      { label: 'PASSENGER NAME', value: 'PETROV/CHLOE MRS', style: 'table' },
      { label: 'art', value: 'AC 6869', style: 'table' },
      { label: 'Date', value: '19-FEB-2024', style: 'table' },
      { label: 'From', value: 'CDG', style: 'table' },
    ]);
  });

  it('keeps colon-less pairs of a row whose right-hand texts are values, not labels over a row', () => {
    const reading = read([
      {
        y: 0.3,
        runs: [
          { text: 'Seat', x: 0.03 },
          { text: '12A', x: 0.2 },
          { text: 'Gate', x: 0.5 },
          { text: 'B7', x: 0.7 },
        ],
      },
      {
        y: 0.33,
        runs: [
          { text: 'Window', x: 0.03 },
          { text: 'Economy', x: 0.2 },
          { text: 'Terminal', x: 0.5 },
          { text: 'North', x: 0.7 },
        ],
      },
    ]);
    expect(pairsOf(reading).slice(0, 2)).toEqual([
      { label: 'Seat', value: '12A', style: 'gap' },
      { label: 'Gate', value: 'B7', style: 'gap' },
    ]);
  });

  it('takes a known label OCR misread by a letter or two under its own name, and leaves labels read right', () => {
    const reading = read([
      {
        y: 0.3,
        runs: [
          { text: 'Suttota’', x: 0.5 },
          { text: '827,46 EUR', x: 0.75 },
        ],
      },
      { y: 0.34, runs: [{ text: 'Booking Ret: ERVLAM', x: 0.05 }] },
      {
        y: 0.38,
        runs: [
          { text: 'Receipt', x: 0.05 },
          { text: '4765-384', x: 0.75 },
        ],
      },
    ]);
    expect(pairsOf(reading)).toEqual([
      { label: 'Subtotal', value: '827,46 EUR', style: 'gap' },
      { label: 'Booking Ref', value: 'ERVLAM', style: 'colon' },
      { label: 'Receipt', value: '4765-384', style: 'gap' },
    ]);
  });

  it('does not split a row by size for words OCR did not read overlapping it', () => {
    // One OCR line: the label, then a dotted leader read as a tall unsure word reaching back over it.
    const page = pageOf([{ y: 0.3, runs: [{ text: 'Date of Expiry', x: 0.05 }] }]);
    const [line] = page.lines;
    line.words.push({
      text: 'BE',
      box: { left: 0.1, top: 0.29, width: 0.6, height: 0.04 },
      confidence: 0.02,
    });
    expect(pageRows([page]).map((row) => row.words.map((word) => word.text).join(' '))).toEqual([
      'Date of BE Expiry',
    ]);
  });

  it('reads a label whose colon OCR lost or read as a stop: `DATE. 4 March 2025`, `| ROW AA`', () => {
    const reading = read([
      { y: 0.3, runs: [{ text: 'DATE. 4 March 2025', x: 0.05 }] },
      { y: 0.34, runs: [{ text: '| ROW AA', x: 0.05 }] },
      { y: 0.38, runs: [{ text: 'Invoice No. 42', x: 0.05 }] },
      // A label of two label words, and a code whose prefix is a label word: neither is split.
      { y: 0.5, runs: [{ text: 'BOOKING REF', x: 0.05 }] },
      { y: 0.7, runs: [{ text: 'NR 5517', x: 0.05 }] },
    ]);
    expect(pairsOf(reading)).toEqual([
      { label: 'DATE', value: '4 March 2025', style: 'colon' },
      { label: 'ROW', value: 'AA', style: 'gap' },
      { label: 'Invoice No.', value: '42', style: 'gap' },
    ]);
    expect(looseOf(reading)).toEqual(['BOOKING REF', 'NR 5517']);
  });

  it('takes no pairs from the header of a list of items, nor from two label rows with no values', () => {
    const reading = read([
      {
        y: 0.3,
        runs: [
          { text: 'Description', x: 0.05 },
          { text: 'Qty', x: 0.6 },
          { text: 'Amount', x: 0.8 },
        ],
      },
      {
        y: 0.325,
        runs: [
          { text: 'Printer paper', x: 0.05 },
          { text: '2', x: 0.6 },
          { text: '19.98', x: 0.8 },
        ],
      },
      {
        y: 0.4,
        runs: [
          { text: 'Date', x: 0.05, size: 0.014 },
          { text: 'Seat', x: 0.5, size: 0.014 },
        ],
      },
      {
        y: 0.425,
        runs: [
          { text: 'Gate', x: 0.05, size: 0.014 },
          { text: 'Flight', x: 0.5, size: 0.014 },
        ],
      },
    ]);
    expect(pairsOf(reading)).toEqual([]);
  });

  it('splits a small label row and its value row that OCR read as one row (a tilted photo)', () => {
    // Each small label sits just above its larger value, the words interleaved and overlapping.
    const page = pageOf([
      {
        y: 0.3,
        runs: [
          { text: 'FROM', x: 0.05, size: 0.014 },
          { text: 'GATE', x: 0.4, size: 0.014 },
        ],
      },
      {
        y: 0.3,
        runs: [
          { text: 'VIE', x: 0.045 },
          { text: 'A5', x: 0.395 },
        ],
      },
    ]);
    expect(pairsOf(readPages([page]))).toEqual([
      { label: 'FROM', value: 'VIE', style: 'table' },
      { label: 'GATE', value: 'A5', style: 'table' },
    ]);
  });

  it('reads a label and a date in one segment, and strips marks OCR read around a value', () => {
    const reading = read([
      { y: 0.1, runs: [{ text: 'Invoice Date ~~ Tuesday, 8 August 2023', x: 0.05 }] },
      { y: 0.14, runs: [{ text: 'Reference: | AB-12 |', x: 0.05 }] },
    ]);
    expect(pairsOf(reading)).toEqual([
      { label: 'Invoice Date', value: 'Tuesday, 8 August 2023', style: 'gap' },
      { label: 'Reference', value: 'AB-12', style: 'colon' },
    ]);
  });

  it('does not stack a heading over the text below it', () => {
    const reading = read([
      { y: 0.1, runs: [{ text: 'Statement', x: 0.05, size: 0.04 }] },
      { y: 0.15, runs: [{ text: 'Northwind Energy', x: 0.05 }] },
    ]);
    expect(pairsOf(reading)).toEqual([]);
  });

  it('tells colon-less labels from other short texts', () => {
    expect(isColonlessLabel('Date of birth')).toBe(true);
    expect(isColonlessLabel('Sales Tax (7%)')).toBe(true);
    expect(isColonlessLabel('Trans #')).toBe(true);
    expect(isColonlessLabel('To')).toBe(true);
    expect(isColonlessLabel('Welcome to our shop')).toBe(false);
    expect(isColonlessLabel('Pasta 500g')).toBe(false);
    expect(isColonlessLabel('Thank you for your payment of the total amount')).toBe(false);
  });

  it('lays out a plain text by its columns when a context carries no layout', () => {
    const pages = textPages('--- Page 1 ---\nRECEIPT\nTOTAL          8.25\n\n--- Page 2 ---\nSeat:    14C');
    expect(pages).toHaveLength(2);
    expect(pairsOf(readPages(pages))).toEqual([
      { label: 'TOTAL', value: '8.25', style: 'gap' },
      { label: 'Seat', value: '14C', style: 'colon' },
    ]);
  });
});
