/** Forms: a title, some fields already filled in, and blanks drawn in every common way. */
import type { DocumentCase, ExpectedBlank } from './cases';
import {
  addDays,
  CITIES,
  iso,
  printDate,
  randomAddress,
  randomCompany,
  randomDate,
  randomPerson,
} from './data';
import { Truth } from './layout-kit';
import type { ValueType } from './normalise';
import { type Font, PageBuilder, type Rect } from './page';
import type { Random } from './random';

interface FieldSpec {
  label: string;
  type: ValueType;
  make: (random: Random) => { printed: string; value: string };
}

const text = (values: readonly string[]) => (random: Random) => {
  const value = random.pick(values);
  return { printed: value, value };
};
const person = (random: Random) => {
  const p = randomPerson(random);
  return { printed: `${p.first} ${p.last}`, value: `${p.first} ${p.last}` };
};
const date = (from: number, to: number) => (random: Random) => {
  const d = randomDate(random, from, to);
  return {
    printed: printDate(random, d, ['dmy-slash', 'iso', 'd-month-y', 'dd mon yyyy', 'dmy-dot', 'month-d-y']),
    value: iso(d),
  };
};
const digits = (prefix: string, count: number) => (random: Random) => {
  const value = `${prefix}${random.digits(count)}`;
  return { printed: value, value };
};

const COMMON: FieldSpec[] = [
  { label: 'Full Name', type: 'name', make: person },
  { label: 'Date of Birth', type: 'date', make: date(1950, 2004) },
  {
    label: 'Email Address',
    type: 'text',
    make: (random) => ({ printed: `${random.letters(5).toLowerCase()}@example.com`, value: '' }),
  },
  { label: 'Phone Number', type: 'id', make: digits('+44 7', 9) },
  {
    label: 'Address',
    type: 'text',
    make: (random) => {
      const a = randomAddress(random);
      return { printed: a.street, value: a.street };
    },
  },
  { label: 'City', type: 'text', make: text(CITIES) },
  { label: 'Postal Code', type: 'id', make: digits('', 5) },
  { label: 'Nationality', type: 'text', make: text(['Dutch', 'French', 'Irish', 'Swedish']) },
  { label: 'Signature', type: 'text', make: text(['(signed)']) },
  { label: 'Date', type: 'date', make: date(2024, 2026) },
];

const FORM_TYPES: { title: string; org: string; fields: FieldSpec[] }[] = [
  {
    title: 'Employment Application',
    org: 'Human Resources',
    fields: [
      {
        label: 'Position Applied For',
        type: 'text',
        make: text(['Warehouse Assistant', 'Accountant', 'Software Engineer', 'Nurse']),
      },
      {
        label: 'Current Employer',
        type: 'name',
        make: (random) => {
          const c = randomCompany(random);
          return { printed: c, value: c };
        },
      },
      {
        label: 'Years of Experience',
        type: 'id',
        make: (random) => {
          const v = String(random.int(1, 25));
          return { printed: v, value: v };
        },
      },
      { label: 'Available Start Date', type: 'date', make: date(2025, 2026) },
      { label: 'Reference Number', type: 'id', make: digits('HR-', 5) },
    ],
  },
  {
    title: 'Patient Registration',
    org: 'Riverside Medical Centre',
    fields: [
      { label: 'NHS Number', type: 'id', make: digits('', 10) },
      {
        label: 'GP Name',
        type: 'name',
        make: (random) => {
          const p = randomPerson(random);
          return { printed: `Dr ${p.first} ${p.last}`, value: `${p.first} ${p.last}` };
        },
      },
      { label: 'Allergies', type: 'text', make: text(['None', 'Penicillin', 'Peanuts']) },
      { label: 'Emergency Contact', type: 'name', make: person },
      { label: 'Patient ID', type: 'id', make: digits('P', 6) },
    ],
  },
  {
    title: 'Change of Address',
    org: 'City Council Registry',
    fields: [
      {
        label: 'Previous Address',
        type: 'text',
        make: (random) => {
          const a = randomAddress(random);
          return { printed: a.street, value: a.street };
        },
      },
      {
        label: 'New Address',
        type: 'text',
        make: (random) => {
          const a = randomAddress(random);
          return { printed: a.street, value: a.street };
        },
      },
      { label: 'Moving Date', type: 'date', make: date(2025, 2026) },
      { label: 'Case Number', type: 'id', make: digits('CA-', 6) },
    ],
  },
  {
    title: 'Insurance Claim',
    org: 'Evergreen Insurance',
    fields: [
      { label: 'Policy Number', type: 'id', make: digits('POL-', 7) },
      { label: 'Date of Incident', type: 'date', make: date(2024, 2026) },
      {
        label: 'Claim Amount',
        type: 'amount',
        make: (random) => {
          const c = random.int(5000, 900000);
          return { printed: `${(c / 100).toFixed(2)}`, value: (c / 100).toFixed(2) };
        },
      },
      {
        label: 'Description of Loss',
        type: 'text',
        make: text(['Water damage', 'Stolen bicycle', 'Broken window']),
      },
      { label: 'Policyholder Name', type: 'name', make: person },
    ],
  },
  {
    title: 'Membership Application',
    org: 'Lakeside Sports Club',
    fields: [
      { label: 'Membership Type', type: 'text', make: text(['Adult', 'Family', 'Student']) },
      { label: 'Member Number', type: 'id', make: digits('M', 5) },
      { label: 'Preferred Start Date', type: 'date', make: date(2025, 2026) },
      { label: 'Occupation', type: 'text', make: text(['Teacher', 'Engineer', 'Student', 'Designer']) },
    ],
  },
  {
    title: 'Visa Application',
    org: 'Consulate General',
    fields: [
      {
        label: 'Passport Number',
        type: 'id',
        make: (random) => {
          const v = `${random.letters(2)}${random.digits(7)}`;
          return { printed: v, value: v };
        },
      },
      {
        label: 'Date of Expiry',
        type: 'date',
        make: (random) => {
          const d = addDays(randomDate(random, 2026, 2033), 0);
          return { printed: printDate(random, d), value: iso(d) };
        },
      },
      { label: 'Purpose of Visit', type: 'text', make: text(['Tourism', 'Business', 'Study']) },
      { label: 'Intended Arrival Date', type: 'date', make: date(2025, 2026) },
      { label: 'Application Number', type: 'id', make: digits('VA', 8) },
    ],
  },
];

/** Questions answered by ticking a box, with their options. */
const CHECKBOXES: FieldSpec[] = [
  { label: 'Marital Status', type: 'text', make: text(['Single', 'Married']) },
  { label: 'Preferred Contact', type: 'text', make: text(['Email', 'Phone']) },
  { label: 'Consent to Contact', type: 'text', make: text(['Yes']) },
  { label: 'Title', type: 'text', make: text(['Mr', 'Ms']) },
];
const CHECKBOX_OPTIONS: Record<string, string> = {
  'Marital Status': '[ ] Single   [ ] Married   [ ] Other',
  'Preferred Contact': '[ ] Email   [ ] Phone   [ ] Post',
  Title: '[ ] Mr   [ ] Ms   [ ] Mx',
};

const BLANK_STYLES: ExpectedBlank['style'][] = ['underscores', 'dots', 'box', 'cells', 'line-below', 'empty'];

export function formCase(id: string, random: Random): DocumentCase {
  const fonts = random.pick([
    { regular: 'sans', bold: 'sans-bold' },
    { regular: 'serif', bold: 'serif-bold' },
    { regular: 'condensed', bold: 'condensed-bold' },
  ] as const satisfies readonly { regular: Font; bold: Font }[]);
  const b = new PageBuilder(1240, 1754, { font: fonts.regular, size: 24, color: '#111111' });
  const truth = new Truth();
  const blanks: ExpectedBlank[] = [];
  const kind = random.pick(FORM_TYPES);
  const left = 100;
  const right = 1140;
  const org = `${randomCompany(random).split(' ')[0]} ${kind.org}`;
  b.text(left, 90, org, { size: 22, color: '#333333' });
  const title = random.pick([
    `${kind.title} Form`,
    `${kind.title.toUpperCase()} FORM`,
    kind.title,
    kind.title.toUpperCase(),
  ]);
  truth.add({ key: 'Form Type', label: '', printed: title, type: 'title', value: kind.title }, [
    b.textCentre(620, 170, title, { font: fonts.bold, size: 40 }),
  ]);
  b.line(left, 200, right, 200, 2);

  const fields = random.shuffle([...kind.fields, ...random.sample(COMMON, random.int(4, 7))]);
  const checkbox = random.chance(0.7) ? random.pick(CHECKBOXES) : undefined;
  // At least two of each: filled and blank.
  const filledCount = random.int(2, Math.max(2, Math.floor(fields.length / 2)));
  let y = 280;
  const styles = random.shuffle(BLANK_STYLES);
  let styleIndex = 0;
  const twoColumns = random.chance(0.4);
  const columnWidth = twoColumns ? (right - left) / 2 : right - left;
  let column = 0;
  for (const [index, field] of fields.entries()) {
    const x = left + column * columnWidth;
    const colon = random.chance(0.75) ? ':' : '';
    if (index < filledCount) {
      const { printed, value } = field.make(random);
      const labelRect = b.text(x, y, `${field.label}${colon}`);
      const valueRect = b.text(labelRect.x + labelRect.w + 16, y, printed, {
        font: random.chance(0.5) ? 'mono' : fonts.regular,
      });
      if (random.chance(0.5)) b.line(valueRect.x - 4, y + 8, x + columnWidth - 30, y + 8, 1, '#555555');
      if (field.label !== 'Email Address' && field.label !== 'Signature') {
        truth.add({ key: field.label, label: field.label, printed, type: field.type, value }, [valueRect]);
      }
    } else {
      const style = styles[styleIndex++ % styles.length];
      const rects = drawBlank(b, random, field.label, colon, style, x, y, x + columnWidth - 30);
      blanks.push({ label: field.label, style, rects });
      if (style === 'line-below') y += 40;
    }
    if (twoColumns && column === 0) column = 1;
    else {
      column = 0;
      y += 70;
    }
    if (y > 1600) break;
  }
  if (checkbox) {
    if (column === 1) y += 70;
    blanks.push({
      label: checkbox.label,
      style: 'checkbox',
      rects: drawBlank(b, random, checkbox.label, ':', 'checkbox', left, y, right),
    });
  }
  b.text(
    left,
    1680,
    random.pick([
      'Please return this form to the office.',
      'All information is treated confidentially.',
      'Thank you.',
    ]),
    { size: 20, color: '#444444' },
  );
  return { id, kind: 'form', task: 'form', page: b.spec(), fields: truth.fields, blanks };
}

/** Draws a field's label and an empty place for its value; returns the label's rectangle. */
function drawBlank(
  b: PageBuilder,
  random: Random,
  label: string,
  colon: string,
  style: ExpectedBlank['style'],
  x: number,
  y: number,
  end: number,
): Rect[] {
  switch (style) {
    case 'underscores': {
      const rect = b.text(x, y, `${label}${colon}`);
      let blank = '_';
      while (b.measure(`${blank}_`).width < end - rect.x - rect.w - 16) blank += '_';
      b.text(rect.x + rect.w + 12, y, blank);
      return [rect];
    }
    case 'dots': {
      const rect = b.text(x, y, label);
      let blank = '.';
      while (b.measure(`${blank}.`).width < end - rect.x - rect.w - 16) blank += '.';
      b.text(rect.x + rect.w + 8, y, blank);
      return [rect];
    }
    case 'checkbox': {
      const rect = b.text(x, y, `${label}${colon}`);
      b.text(rect.x + rect.w + 20, y, CHECKBOX_OPTIONS[label] ?? '[ ] Yes   [ ] No');
      return [rect];
    }
    case 'box': {
      const rect = b.text(x, y, `${label}${colon}`);
      b.rect(rect.x + rect.w + 16, y - 30, Math.max(120, end - rect.x - rect.w - 16), 42, {
        stroke: '#333333',
        width: 2,
      });
      return [rect];
    }
    case 'cells': {
      const rect = b.text(x, y, `${label}${colon}`);
      const count = random.int(6, 12);
      const cell = 36;
      const start = rect.x + rect.w + 16;
      for (let i = 0; i < count && start + (i + 1) * cell < end + 20; i++)
        b.rect(start + i * cell, y - 30, cell, 40, { stroke: '#333333', width: 2 });
      return [rect];
    }
    case 'line-below': {
      const rect = b.text(x, y, label, { size: 20 });
      b.line(x, y + 48, end, y + 48, 1.5, '#333333');
      return [rect];
    }
    case 'empty':
      return [b.text(x, y, `${label}:`)];
  }
}
