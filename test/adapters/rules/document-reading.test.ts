import { describe, expect, it } from 'vitest';
import { readDocument } from '../../../lambdas/adapters/rules/document-reading';
import { groundResult } from '../../../lambdas/core/evidence';
import type { PageLayout } from '../../../lambdas/core/layout';
import { layoutText } from '../../../lambdas/core/layout-text';
import { pageOf } from '../../support/page-layouts';

const EMPTY = { docs: [], forms: [] };

function kvOf(page: PageLayout) {
  const result = readDocument({
    type: 'document',
    ocrText: layoutText([page]),
    pages: [page],
    library: EMPTY,
  });
  // Every value the reader returns rests on the page's words (evidence is computed in the core).
  const { evidence } = groundResult('document', result, [page], EMPTY, { dropUngrounded: false });
  const ungrounded = Object.entries(evidence.kv ?? {}).filter(([, found]) => !found.grounded);
  expect(ungrounded.map(([key, found]) => [key, found])).toEqual([]);
  return result.kv;
}

describe('document reading on the page layout', () => {
  it('reads a receipt: merchant in the header, date and time printed together, colon-less totals', () => {
    const kv = kvOf(
      pageOf([
        { y: 0.04, runs: [{ text: 'MEADOW PHARMACY', x: 0.3, size: 0.03 }] },
        { y: 0.08, runs: [{ text: '196 Main Street, Utrecht', x: 0.28, size: 0.015 }] },
        {
          y: 0.12,
          runs: [
            { text: 'Tue, Mar 5, 2024', x: 0.05 },
            { text: '2:32 PM', x: 0.45 },
          ],
        },
        {
          y: 0.16,
          runs: [
            { text: 'Receipt #', x: 0.05 },
            { text: '4765-384', x: 0.75 },
          ],
        },
        {
          y: 0.22,
          runs: [
            { text: 'Pasta 500g', x: 0.05 },
            { text: '34.52', x: 0.8 },
          ],
        },
        {
          y: 0.26,
          runs: [
            { text: 'VAT 7%', x: 0.05 },
            { text: 'USD 2.42', x: 0.75 },
          ],
        },
        {
          y: 0.3,
          runs: [
            { text: 'TOTAL', x: 0.05, size: 0.03 },
            { text: 'USD 36.94', x: 0.7, size: 0.03 },
          ],
        },
        { y: 0.36, runs: [{ text: 'Tender: Mastercard', x: 0.05 }] },
      ]),
    );
    expect(kv).toEqual({
      Merchant: 'MEADOW PHARMACY',
      Date: 'Mar 05, 2024',
      Time: '2:32 PM',
      'Receipt #': '4765-384',
      'VAT 7%': 'USD 2.42',
      TOTAL: 'USD 36.94',
      Tender: 'Mastercard',
    });
  });

  it('reads an invoice: vendor header, Bill To block beside Ship To, a table row of facts', () => {
    const kv = kvOf(
      pageOf([
        {
          y: 0.05,
          runs: [
            { text: 'Highland & Sons', x: 0.08, size: 0.03 },
            { text: 'INVOICE', x: 0.75, size: 0.035 },
          ],
        },
        { y: 0.09, runs: [{ text: '12 Market Street', x: 0.08, size: 0.015 }] },
        {
          y: 0.2,
          runs: [
            { text: 'INVOICE NO.', x: 0.08, size: 0.015 },
            { text: 'DATE OF ISSUE', x: 0.35, size: 0.015 },
            { text: 'DUE', x: 0.65, size: 0.015 },
          ],
        },
        {
          y: 0.222,
          runs: [
            { text: 'INV-2024-5120', x: 0.08 },
            { text: 'Sunday, 27 October 2024', x: 0.35 },
            { text: '26.11.2024', x: 0.65 },
          ],
        },
        {
          y: 0.3,
          runs: [
            { text: 'BILL TO', x: 0.08 },
            { text: 'SHIP TO', x: 0.5 },
          ],
        },
        {
          y: 0.325,
          runs: [
            { text: 'Hugo Turner', x: 0.08 },
            { text: 'Ada Lovelace', x: 0.5 },
          ],
        },
        {
          y: 0.35,
          runs: [
            { text: '4 Elm Road', x: 0.08 },
            { text: '9 Oak Lane', x: 0.5 },
          ],
        },
      ]),
    );
    expect(kv).toEqual({
      Vendor: 'Highland & Sons',
      'INVOICE NO.': 'INV-2024-5120',
      'DATE OF ISSUE': 'Oct 27, 2024',
      DUE: 'Nov 26, 2024',
      'BILL TO': 'Hugo Turner',
      'SHIP TO': 'Ada Lovelace',
    });
  });

  it('reads a letter: sender letterhead, recipient block, a date without a label, the subject', () => {
    const kv = kvOf(
      pageOf([
        { y: 0.06, runs: [{ text: 'Northwind Insurance', x: 0.1, size: 0.03 }] },
        { y: 0.1, runs: [{ text: '8 Bay Road · 1011 AB Amsterdam', x: 0.1, size: 0.015 }] },
        {
          y: 0.17,
          runs: [
            { text: 'Ms Clara Jensen', x: 0.1 },
            { text: 'Friday, 12 April 2024', x: 0.65 },
          ],
        },
        { y: 0.195, runs: [{ text: '22 Harbour Street', x: 0.1 }] },
        { y: 0.22, runs: [{ text: '3011 Rotterdam', x: 0.1 }] },
        { y: 0.28, runs: [{ text: 'Our ref: NWI-55210', x: 0.1 }] },
        { y: 0.31, runs: [{ text: 'Re: Renewal of your insurance policy', x: 0.1 }] },
        { y: 0.36, runs: [{ text: 'Dear Ms Jensen,', x: 0.1 }] },
        { y: 0.5, runs: [{ text: 'Kind regards,', x: 0.1 }] },
      ]),
    );
    expect(kv).toEqual({
      Sender: 'Northwind Insurance',
      Recipient: 'Ms Clara Jensen',
      Date: 'Apr 12, 2024',
      'Our ref': 'NWI-55210',
      Re: 'Renewal of your insurance policy',
    });
  });

  it("reads an event ticket: the title with a colon is the event, not a field; numeric dates in the page's order", () => {
    const kv = kvOf(
      pageOf([
        { y: 0.05, runs: [{ text: 'Summer Theatre: Hamlet', x: 0.05, size: 0.04 }] },
        {
          y: 0.15,
          runs: [
            { text: 'Venue: Civic Theatre', x: 0.05 },
            { text: 'Date: 05/04/2025', x: 0.55 },
          ],
        },
        {
          y: 0.19,
          runs: [
            { text: 'Doors open: 7:30 PM', x: 0.05 },
            { text: 'Row: 12', x: 0.55 },
          ],
        },
        { y: 0.23, runs: [{ text: 'Booked: 13/03/2025', x: 0.05 }] },
      ]),
    );
    expect(kv).toEqual({
      Event: 'Summer Theatre: Hamlet',
      Venue: 'Civic Theatre',
      // 13/03/2025 on the same page puts the day first.
      Date: 'Apr 05, 2025',
      'Doors open': '7:30 PM',
      Row: '12',
      Booked: 'Mar 13, 2025',
    });
  });

  it('names the header without the marks OCR read beside it, and skips a header that is no words', () => {
    const header = (text: string) =>
      kvOf(
        pageOf([
          { y: 0.04, runs: [{ text: 'ee a', x: 0.05, size: 0.05 }] },
          { y: 0.1, runs: [{ text: text, x: 0.05, size: 0.035 }] },
          { y: 0.3, runs: [{ text: 'Statement date: 2024-03-05', x: 0.05 }] },
        ]),
      ).Provider;
    expect(header('Brightside Energy .')).toBe('Brightside Energy');
    expect(header('| Brightside Energy')).toBe('Brightside Energy');
  });

  it('finds the header of a small page photographed low in the picture, and a receipt by its totals alone', () => {
    // The page fills the lower half of the photo; OCR lost the word "Receipt" and the date.
    const kv = kvOf(
      pageOf([
        { y: 0.42, runs: [{ text: 'Highland Bakery', x: 0.3, size: 0.03 }] },
        { y: 0.47, runs: [{ text: '226 Harbour Way, Bologna', x: 0.28, size: 0.015 }] },
        {
          y: 0.55,
          runs: [
            { text: 'Oat milk', x: 0.05 },
            { text: '70.88', x: 0.8 },
          ],
        },
        {
          y: 0.6,
          runs: [
            { text: 'AMOUNT', x: 0.05 },
            { text: 'USD 70.88', x: 0.75 },
          ],
        },
        { y: 0.66, runs: [{ text: 'sday, 21 October 2025', x: 0.05 }] },
        { y: 0.9, runs: [{ text: 'Thank you', x: 0.4 }] },
      ]),
    );
    expect(kv).toMatchObject({ Merchant: 'Highland Bakery', AMOUNT: 'USD 70.88', Date: 'Oct 21, 2025' });
  });

  it("takes no texture OCR read unsurely around a photographed page for its header's name", () => {
    const page = pageOf([
      // The table's grain above the ticket, read large and unsurely.
      { y: 0.1, runs: [{ text: 'Tae', x: 0.7, size: 0.05 }] },
      { y: 0.16, runs: [{ text: 'Indie Rock Festival', x: 0.05, size: 0.035 }] },
      {
        y: 0.24,
        runs: [
          { text: 'VENUE: Harbour Arena', x: 0.05 },
          { text: 'DATE: Sat, Jan 17, 2026', x: 0.5 },
        ],
      },
      { y: 0.28, runs: [{ text: 'SECTION: Balcony', x: 0.05 }] },
    ]);
    page.lines[0].words[0].confidence = 0.21;
    expect(kvOf(page).Event).toBe('Indie Rock Festival');
  });

  it('reads an ID card: stacked bilingual labels under canonical names, the zone confirming them', () => {
    const kv = kvOf(
      pageOf([
        {
          y: 0.05,
          runs: [
            { text: 'UTOPIA', x: 0.05, size: 0.03 },
            { text: 'IDENTITY CARD', x: 0.6, size: 0.03 },
          ],
        },
        {
          y: 0.2,
          runs: [
            { text: 'Surname / Nom', x: 0.3, size: 0.014 },
            { text: 'Given names / Prénoms', x: 0.65, size: 0.014 },
          ],
        },
        {
          y: 0.222,
          runs: [
            { text: 'ERIKSSON', x: 0.3 },
            { text: 'ANNA MARIA', x: 0.65 },
          ],
        },
        {
          y: 0.28,
          runs: [
            { text: 'Sex / Sexe', x: 0.3, size: 0.014 },
            { text: 'Date of birth', x: 0.65, size: 0.014 },
          ],
        },
        // The birth date was misread on the card's face: the zone's check digit settles it.
        {
          y: 0.302,
          runs: [
            { text: 'F', x: 0.3 },
            { text: '12.08.1979', x: 0.65 },
          ],
        },
        { y: 0.7, runs: [{ text: 'I<UTOD231458907<<<<<<<<<<<<<<<', x: 0.05, size: 0.025 }] },
        { y: 0.74, runs: [{ text: '7408122F1204159UTO<<<<<<<<<<<6', x: 0.05, size: 0.025 }] },
        { y: 0.78, runs: [{ text: 'ERIKSSON<<ANNA<MARIA<<<<<<<<<<', x: 0.05, size: 0.025 }] },
      ]),
    );
    expect(kv).toEqual({
      Surname: 'ERIKSSON',
      'Given names': 'ANNA MARIA',
      'Full Name': 'ANNA MARIA ERIKSSON',
      Sex: 'F',
      'Date of Birth': 'Aug 12, 1974',
      'Document Number': 'D23145890',
      'Expiry Date': 'Apr 15, 2012',
      Nationality: 'UTO',
    });
  });

  it('knows an identity document by its labels when OCR missed its title, and a label whose slash it lost', () => {
    const kv = kvOf(
      pageOf([
        {
          y: 0.2,
          runs: [
            { text: 'Surname Nom', x: 0.3, size: 0.014 },
            { text: 'Given names', x: 0.65, size: 0.014 },
          ],
        },
        {
          y: 0.222,
          runs: [
            { text: 'FISCHER', x: 0.3 },
            { text: 'OMAR', x: 0.65 },
          ],
        },
        {
          y: 0.28,
          runs: [
            { text: 'Sex Sexe', x: 0.3, size: 0.014 },
            { text: 'Date of birth', x: 0.65, size: 0.014 },
          ],
        },
        {
          y: 0.302,
          runs: [
            { text: 'M', x: 0.3 },
            { text: '01.06.1995', x: 0.65 },
          ],
        },
      ]),
    );
    expect(kv).toEqual({
      Surname: 'FISCHER',
      'Given names': 'OMAR',
      'Full Name': 'OMAR FISCHER',
      Sex: 'M',
      'Date of Birth': 'Jun 01, 1995',
    });
  });
});
