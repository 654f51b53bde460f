/** Generators of labelled documents: each draws a page and records every fact it prints, with its place. */
import type { DocumentCase, DocumentKind } from './cases';
import {
  AIRLINES,
  AIRPORTS,
  addDays,
  amountValue,
  type CalendarDate,
  CITIES,
  COMPANY_WORDS,
  COUNTRIES,
  CURRENCIES,
  EVENTS,
  ITEMS,
  iso,
  PROVIDERS,
  printAmount,
  printDate,
  printTime,
  randomAddress,
  randomCompany,
  randomDate,
  randomPerson,
  STATIONS,
  STORE_TYPES,
  timeValue,
  VENUES,
} from './data';
import { layPairs, type Pair, Truth } from './layout-kit';
import { td1, td3 } from './mrz';
import { type Font, PageBuilder, type Rect, union } from './page';
import type { Random } from './random';

interface Drawn {
  b: PageBuilder;
  truth: Truth;
}

const A4 = { width: 1240, height: 1754 };

function bodyFont(random: Random): { regular: Font; bold: Font } {
  return random.pick([
    { regular: 'sans', bold: 'sans-bold' },
    { regular: 'serif', bold: 'serif-bold' },
    { regular: 'condensed', bold: 'condensed-bold' },
  ] as const);
}

const upperRandomly = (random: Random, text: string) => (random.chance(0.4) ? text.toUpperCase() : text);

// ── receipt ──────────────────────────────────────────────────────────────────

function receipt(random: Random): Drawn {
  const lines = random.int(2, 6);
  const height = 2000;
  const font: Font = random.pick(['mono', 'sans', 'condensed']);
  const bold: Font = font === 'mono' ? 'mono-bold' : font === 'sans' ? 'sans-bold' : 'condensed-bold';
  const b = new PageBuilder(
    640,
    height,
    { font, size: 24, color: '#111111' },
    random.pick(['#ffffff', '#fbfaf4', '#f7f7f2']),
  );
  const truth = new Truth();
  const money = random.pick(CURRENCIES);
  const merchant = `${random.pick(COMPANY_WORDS)} ${random.pick(STORE_TYPES)}`;
  const centre = 320;
  let y = 80;
  truth.add({ key: 'Merchant', label: '', printed: merchant, type: 'name' }, [
    b.textCentre(centre, y, upperRandomly(random, merchant), { font: bold, size: 32 }),
  ]);
  y += 44;
  const address = randomAddress(random);
  b.textCentre(centre, y, `${address.street}, ${address.city}`, { size: 20 });
  y += 30;
  b.textCentre(centre, y, `Tel ${random.digits(3)} ${random.digits(3)} ${random.digits(4)}`, { size: 20 });
  y += 56;

  const date = randomDate(random, 2022, 2026);
  const hours = random.int(7, 21);
  const minutes = random.int(0, 59);
  const printedDate = printDate(random, date, [
    'dmy-slash',
    'mdy-slash',
    'dmy-dot',
    'iso',
    'dd mon yyyy',
    'wkd-mon-d-y',
    'dd-mon-yyyy',
  ]);
  const printedTime = printTime(random, hours, minutes);
  const receiptNo = `${random.digits(4)}-${random.digits(3)}`;
  const header = random.int(0, 2);
  if (header === 0) {
    // Date and time printed together, no labels.
    const dateRect = b.text(40, y, printedDate);
    const timeRect = b.text(dateRect.x + dateRect.w + 24, y, printedTime);
    truth.add({ key: 'Date', label: '', printed: printedDate, type: 'date', value: iso(date) }, [dateRect]);
    truth.add(
      { key: 'Time', label: '', printed: printedTime, type: 'time', value: timeValue(hours, minutes) },
      [timeRect],
    );
    y += 36;
    truth.add({ key: 'Receipt Number', label: 'Receipt', printed: receiptNo, type: 'id' }, [
      b.textRight(600, y, receiptNo),
    ]);
    b.text(40, y, 'Receipt');
    y += 50;
  } else {
    y = layPairs(
      b,
      truth,
      random,
      [
        { key: 'Date', label: 'Date', printed: printedDate, type: 'date', value: iso(date) },
        { key: 'Time', label: 'Time', printed: printedTime, type: 'time', value: timeValue(hours, minutes) },
        {
          key: 'Receipt Number',
          label: random.pick(['Receipt No', 'Trans #', 'Receipt #']),
          printed: receiptNo,
          type: 'id',
        },
      ],
      header === 1 ? 'colon' : 'two-per-row',
      { x: 40, y, width: 560 },
      { size: 22 },
    );
    y += 14;
  }
  b.line(40, y - 20, 600, y - 20, 1, '#555555', [6, 4]);
  y += 16;
  let subtotal = 0;
  for (const item of random.sample(ITEMS, lines)) {
    const quantity = random.int(1, 3);
    const price = random.int(90, 4900) * quantity;
    subtotal += price;
    b.text(40, y, quantity > 1 ? `${quantity} x ${item}` : item, { size: 22 });
    b.textRight(600, y, printAmount(price, { symbol: '', style: money.style }), { size: 22 });
    y += 38;
  }
  b.line(40, y - 14, 600, y - 14, 1, '#555555', [6, 4]);
  y += 20;
  const rate = random.pick([5, 7, 10, 19, 20, 21]);
  const tax = Math.round((subtotal * rate) / 100);
  const total = subtotal + tax;
  const amount = (cents: number) => printAmount(cents, money);
  const taxLabel = random.pick([`VAT ${rate}%`, `Tax ${rate}%`, `Sales Tax (${rate}%)`]);
  y = layPairs(
    b,
    truth,
    random,
    [
      {
        key: 'Subtotal',
        label: random.pick(['Subtotal', 'Sub-total', 'SUBTOTAL']),
        printed: amount(subtotal),
        type: 'amount',
        value: amountValue(subtotal),
      },
      { key: 'Tax', label: taxLabel, printed: amount(tax), type: 'amount', value: amountValue(tax) },
    ],
    random.pick(['gap', 'colon'] as const),
    { x: 40, y, width: 560 },
    { size: 22 },
  );
  // The total: big, usually colon-less, flush right.
  const totalLabel = random.pick(['TOTAL', 'Total', 'TOTAL DUE', 'AMOUNT', 'Total:']);
  b.text(40, y + 6, totalLabel, { font: bold, size: 30 });
  truth.add(
    { key: 'Total', label: totalLabel, printed: amount(total), type: 'amount', value: amountValue(total) },
    [b.textRight(600, y + 6, amount(total), { font: bold, size: 30 })],
  );
  y += 60;
  const card = random.pick(['VISA', 'Mastercard', 'Cash', 'Debit Card', 'AMEX']);
  y = layPairs(
    b,
    truth,
    random,
    [
      {
        key: 'Payment Method',
        label: random.pick(['Paid by', 'Payment', 'Tender']),
        printed: card,
        type: 'text',
      },
    ],
    'colon',
    { x: 40, y, width: 560 },
    { size: 22 },
  );
  b.textCentre(
    centre,
    y + 30,
    random.pick([
      'Thank you for shopping with us!',
      'THANK YOU - PLEASE COME AGAIN',
      'Keep this receipt for returns',
    ]),
    { size: 20 },
  );
  b.height = y + 90;
  return { b, truth };
}

// ── invoice ──────────────────────────────────────────────────────────────────

function invoice(random: Random): Drawn {
  const fonts = bodyFont(random);
  const b = new PageBuilder(A4.width, A4.height, { font: fonts.regular, size: 24, color: '#111111' });
  const truth = new Truth();
  const vendor = randomCompany(random);
  const vendorAddress = randomAddress(random);
  const money = random.pick(CURRENCIES);
  const left = 100;
  const right = 1140;
  if (random.chance(0.5))
    b.rect(0, 0, A4.width, 24, { fill: random.pick(['#1f3a5f', '#5a1f3a', '#2f5f1f']) });
  truth.add({ key: 'Vendor', label: '', printed: vendor, type: 'name' }, [
    b.text(left, 130, vendor, { font: fonts.bold, size: 40 }),
  ]);
  b.text(left, 175, vendorAddress.street, { size: 22 });
  b.text(left, 205, `${vendorAddress.postcode} ${vendorAddress.city}`, { size: 22 });
  b.text(left, 235, `VAT ID ${random.letters(2)}${random.digits(9)}`, { size: 20 });
  const title = random.pick(['INVOICE', 'Invoice', 'TAX INVOICE']);
  b.textRight(right, 140, title, { font: fonts.bold, size: 48 });

  const issued = randomDate(random, 2023, 2026);
  const due = addDays(issued, random.pick([14, 30, 45, 60]));
  const number = random.pick([
    `INV-${issued.year}-${random.digits(4)}`,
    `${random.digits(6)}`,
    `A${random.digits(5)}/${issued.year % 100}`,
  ]);
  const customer = randomPerson(random);
  const customerCompany = random.chance(0.5) ? randomCompany(random) : undefined;
  const customerName = customerCompany ?? `${customer.first} ${customer.last}`;
  const customerAddress = randomAddress(random);
  const meta: Pair[] = [
    {
      key: 'Invoice Number',
      label: random.pick(['Invoice No.', 'Invoice #', 'Invoice Number', 'Number']),
      printed: number,
      type: 'id',
    },
    {
      key: 'Invoice Date',
      label: random.pick(['Invoice Date', 'Date', 'Date of Issue', 'Issued']),
      printed: printDate(random, issued),
      type: 'date',
      value: iso(issued),
    },
    {
      key: 'Due Date',
      label: random.pick(['Due Date', 'Payment Due', 'Due']),
      printed: printDate(random, due),
      type: 'date',
      value: iso(due),
    },
  ];
  let y = 320;
  const layout = random.int(0, 2);
  if (layout === 0) {
    // Bill To on the left, the invoice's facts on the right.
    const billTo = random.pick(['Bill To:', 'BILL TO', 'Billed To:', 'Invoice To:']);
    b.text(left, y, billTo, { font: fonts.bold, size: 22 });
    truth.add({ key: 'Customer', label: billTo.replace(/:$/, ''), printed: customerName, type: 'name' }, [
      b.text(left, y + 36, customerName),
    ]);
    b.text(left, y + 70, customerAddress.street, { size: 22 });
    b.text(left, y + 100, `${customerAddress.postcode} ${customerAddress.city}`, { size: 22 });
    layPairs(
      b,
      truth,
      random,
      meta,
      random.pick(['colon', 'gap'] as const),
      { x: 700, y, width: 440 },
      { size: 22 },
    );
    y += 190;
  } else if (layout === 1) {
    // The facts as a table row across the page, Bill To below.
    y = layPairs(
      b,
      truth,
      random,
      meta,
      'table',
      { x: left, y, width: right - left },
      { size: 22, upper: random.chance(0.5) },
    );
    const billTo = random.pick(['Bill To:', 'Customer:', 'Billed To:']);
    b.text(left, y, billTo, { font: fonts.bold, size: 22 });
    truth.add({ key: 'Customer', label: billTo.replace(/:$/, ''), printed: customerName, type: 'name' }, [
      b.text(left, y + 36, customerName),
    ]);
    b.text(left, y + 70, customerAddress.street, { size: 22 });
    b.text(left, y + 100, `${customerAddress.postcode} ${customerAddress.city}`, { size: 22 });
    if (random.chance(0.6)) {
      // A Ship To block beside it names someone else: the customer is the one billed.
      const recipient = randomPerson(random);
      const shipAddress = randomAddress(random);
      b.text(640, y, random.pick(['Ship To:', 'SHIP TO', 'Deliver To:']), { font: fonts.bold, size: 22 });
      b.text(640, y + 36, `${recipient.first} ${recipient.last}`);
      b.text(640, y + 70, shipAddress.street, { size: 22 });
      b.text(640, y + 100, `${shipAddress.postcode} ${shipAddress.city}`, { size: 22 });
    }
    y += 170;
  } else {
    // Two pairs per row: the customer sits to the right of a date.
    const pairs: Pair[] = [
      meta[0],
      { key: 'Customer', label: random.pick(['Customer', 'Client']), printed: customerName, type: 'name' },
      meta[1],
      meta[2],
    ];
    y = layPairs(b, truth, random, pairs, 'two-per-row', { x: left, y, width: right - left }, { size: 22 });
    b.text(left, y, `${customerAddress.street}, ${customerAddress.postcode} ${customerAddress.city}`, {
      size: 22,
    });
    y += 70;
  }
  // Items table.
  b.rect(left, y - 30, right - left, 44, { fill: '#e8e8e8' });
  b.text(left + 12, y, 'Description', { font: fonts.bold, size: 22 });
  b.text(760, y, 'Qty', { font: fonts.bold, size: 22 });
  b.textRight(right - 12, y, 'Amount', { font: fonts.bold, size: 22 });
  y += 50;
  let subtotal = 0;
  for (const item of random.sample(ITEMS, random.int(2, 6))) {
    const quantity = random.int(1, 12);
    const price = random.int(500, 25000) * quantity;
    subtotal += price;
    b.text(left + 12, y, item, { size: 22 });
    b.text(760, y, String(quantity), { size: 22 });
    b.textRight(right - 12, y, printAmount(price, money), { size: 22 });
    b.line(left, y + 14, right, y + 14, 1, '#cccccc');
    y += 46;
  }
  y += 30;
  const rate = random.pick([0, 7, 10, 19, 20, 21]);
  const tax = Math.round((subtotal * rate) / 100);
  const total = subtotal + tax;
  const totals: Pair[] = [
    {
      key: 'Subtotal',
      label: random.pick(['Subtotal', 'Net Amount', 'Sub Total']),
      printed: printAmount(subtotal, money),
      type: 'amount',
      value: amountValue(subtotal),
    },
    {
      key: 'Tax',
      label: random.pick([`VAT ${rate}%`, `Tax (${rate}%)`, 'Tax']),
      printed: printAmount(tax, money),
      type: 'amount',
      value: amountValue(tax),
    },
    {
      key: 'Total',
      label: random.pick(['Total', 'Total Due', 'Amount Due', 'TOTAL', 'Balance Due']),
      printed: printAmount(total, money),
      type: 'amount',
      value: amountValue(total),
    },
  ];
  y = layPairs(
    b,
    truth,
    random,
    totals,
    random.pick(['gap', 'colon'] as const),
    { x: 700, y, width: right - 700 },
    { size: 24, valueStyle: { font: fonts.bold } },
  );
  y += 60;
  b.text(
    left,
    y,
    random.pick([
      'Payment terms: 30 days net.',
      'Thank you for your business.',
      'Please quote the invoice number with your payment.',
    ]),
    { size: 20 },
  );
  b.text(
    left,
    y + 32,
    `IBAN ${random.letters(2)}${random.digits(2)} ${random.digits(4)} ${random.digits(4)} ${random.digits(4)} ${random.digits(2)}`,
    { size: 20 },
  );
  return { b, truth };
}

// ── identity documents ───────────────────────────────────────────────────────

interface Holder {
  surname: string;
  given: string;
  sex: 'M' | 'F';
  birth: CalendarDate;
  issued: CalendarDate;
  expiry: CalendarDate;
  number: string;
  country: (typeof COUNTRIES)[number];
  birthPlace: string;
}

function holder(random: Random): Holder {
  const person = randomPerson(random);
  const given = random.chance(0.3) ? `${person.first} ${randomPerson(random).first}` : person.first;
  const issued = randomDate(random, 2017, 2025);
  return {
    surname: person.last,
    given,
    sex: random.pick(['M', 'F']),
    birth: randomDate(random, 1950, 2005),
    issued,
    expiry: addDays(issued, 365 * 10 - 1),
    // Letters that cannot be read as digits, as issuing states do.
    number: `${random.letters(2).replace(/[IO]/g, 'X')}${random.digits(1)}${random.letters(1).replace(/[IO]/g, 'K')}${random.digits(5)}`,
    country: random.pick(COUNTRIES),
    birthPlace: random.pick(CITIES).toUpperCase(),
  };
}

const idDate = (random: Random, date: CalendarDate) =>
  printDate(random, date, ['dd mon yyyy', 'dmy-dot', 'dd-mon-yyyy']);

function identityPairs(random: Random, person: Holder, bilingual: boolean): Pair[] {
  const bi = (english: string, french: string) => (bilingual ? `${english} / ${french}` : english);
  return [
    {
      key: 'Surname',
      label: bi('Surname', 'Nom'),
      printed: person.surname.toUpperCase(),
      type: 'name',
      unscored: true,
    },
    {
      key: 'Given Names',
      label: bi('Given names', 'Prénoms'),
      printed: person.given.toUpperCase(),
      type: 'name',
      unscored: true,
    },
    {
      key: 'Nationality',
      label: bi('Nationality', 'Nationalité'),
      printed: person.country.code,
      type: 'code',
    },
    {
      key: 'Date of Birth',
      label: bi('Date of birth', 'Date de naissance'),
      printed: idDate(random, person.birth),
      type: 'date',
      value: iso(person.birth),
    },
    { key: 'Sex', label: bi('Sex', 'Sexe'), printed: person.sex, type: 'sex' },
    {
      key: 'Place of Birth',
      label: bi('Place of birth', 'Lieu de naissance'),
      printed: person.birthPlace,
      type: 'text',
    },
    {
      key: 'Issue Date',
      label: bi('Date of issue', 'Date de délivrance'),
      printed: idDate(random, person.issued),
      type: 'date',
      value: iso(person.issued),
    },
    {
      key: 'Expiry Date',
      label: bi('Date of expiry', "Date d'expiration"),
      printed: idDate(random, person.expiry),
      type: 'date',
      value: iso(person.expiry),
    },
  ];
}

/** Full Name is stated by the surname and given-name values together (and the MRZ). */
function addFullName(truth: Truth, person: Holder, rects: { surname?: Rect; given?: Rect }): void {
  const parts = [rects.surname, rects.given].filter((rect): rect is Rect => rect !== undefined);
  truth.fields.push({
    key: 'Full Name',
    printed: [],
    type: 'name',
    value: `${person.given} ${person.surname}`,
    rects: parts.length ? [union(parts), ...parts] : [],
  });
}

/** The machine-readable zone states these facts too: evidence pointing into it is also right. */
function addMrz(truth: Truth, lines: Rect[]): void {
  const zone = union(lines);
  for (const field of truth.fields) {
    if (
      ['Full Name', 'Document Number', 'Date of Birth', 'Expiry Date', 'Nationality', 'Sex'].includes(
        field.key,
      )
    )
      field.rects.push(zone);
  }
}

function findRect(b: PageBuilder, text: string, from: number): Rect | undefined {
  // The run just printed with this text (layPairs records only scored pairs).
  for (let i = b.elements.length - 1; i >= from; i--) {
    const element = b.elements[i];
    if (element.type === 'text' && element.text === text) {
      const m = b.measure(element.text, { font: element.font, size: element.size });
      return {
        x: element.x,
        y: Math.round(element.y - m.ascent),
        w: Math.ceil(m.width),
        h: Math.ceil(m.ascent + m.descent),
      };
    }
  }
  return undefined;
}

function idCard(random: Random): Drawn {
  const b = new PageBuilder(
    1012,
    640,
    { font: random.pick(['sans', 'condensed']), size: 26, color: '#111111' },
    random.pick(['#eef3f7', '#f3f0e6', '#eef5ee']),
  );
  const truth = new Truth();
  const person = holder(random);
  b.rect(0, 0, 1012, 80, { fill: random.pick(['#2b4c7e', '#7e2b4c', '#2b7e4c']) });
  b.text(30, 52, `${person.country.name.toUpperCase()}`, { font: 'sans-bold', size: 30, color: '#ffffff' });
  b.textRight(980, 52, random.pick(['IDENTITY CARD', 'NATIONAL ID CARD', 'ID CARD']), {
    font: 'sans-bold',
    size: 28,
    color: '#ffffff',
  });
  b.rect(30, 110, 230, 290, { fill: '#c9ccd1', stroke: '#999999', width: 2 });
  b.textCentre(145, 265, 'PHOTO', { size: 22, color: '#777777' });
  const pairs = identityPairs(random, person, random.chance(0.3));
  const chosen = [pairs[0], pairs[1], pairs[4], pairs[2], pairs[3], pairs[7]];
  const number: Pair = {
    key: 'Document Number',
    label: random.pick(['Card No.', 'Document No.', 'ID Number']),
    printed: person.number,
    type: 'id',
  };
  const start = b.elements.length;
  const style = random.pick(['stacked', 'stacked', 'colon'] as const);
  layPairs(
    b,
    truth,
    random,
    [...chosen, number],
    style,
    { x: 290, y: 130, width: 690 },
    { size: 22, colon: style === 'colon', columns: 2 },
  );
  addFullName(truth, person, {
    surname: findRect(b, pairs[0].printed, start),
    given: findRect(b, pairs[1].printed, start),
  });
  const mrz = td1({
    documentType: 'ID',
    issuingState: person.country.code,
    surname: person.surname,
    givenNames: person.given,
    documentNumber: person.number,
    nationality: person.country.code,
    birthDate: iso(person.birth),
    sex: person.sex,
    expiryDate: iso(person.expiry),
  });
  addMrz(
    truth,
    mrz.map((line, i) => b.text(40, 520 + i * 38, line, { font: 'mono', size: 30 })),
  );
  return { b, truth };
}

function passport(random: Random): Drawn {
  const b = new PageBuilder(
    1250,
    880,
    { font: random.pick(['sans', 'serif']), size: 26, color: '#111111' },
    random.pick(['#f4efe4', '#eef0f4', '#f1f4ee']),
  );
  const truth = new Truth();
  const person = holder(random);
  b.text(40, 60, `${person.country.name.toUpperCase()}`, { font: 'sans-bold', size: 30 });
  b.text(520, 60, random.pick(['PASSPORT', 'PASSPORT / PASSEPORT']), { font: 'sans-bold', size: 30 });
  b.rect(40, 100, 300, 390, { fill: '#c9ccd1', stroke: '#999999', width: 2 });
  b.textCentre(190, 300, 'PHOTO', { size: 22, color: '#777777' });
  const bilingual = random.chance(0.5);
  const pairs = identityPairs(random, person, bilingual);
  const top: Pair[] = [
    { key: 'Type', label: 'Type', printed: 'P', type: 'code', unscored: true },
    {
      key: 'Code',
      label: bilingual ? 'Code / Code' : 'Code',
      printed: person.country.code,
      type: 'code',
      unscored: true,
    },
    {
      key: 'Document Number',
      label: bilingual ? 'Passport No. / No. du passeport' : 'Passport No.',
      printed: person.number,
      type: 'id',
    },
  ];
  const start = b.elements.length;
  const y = layPairs(b, truth, random, top, 'table', { x: 380, y: 120, width: 820 }, { size: 22 });
  const authority: Pair = {
    key: 'Issuing Authority',
    label: bilingual ? 'Authority / Autorité' : 'Authority',
    printed: random.pick(['MINISTRY OF FOREIGN AFFAIRS', 'PASSPORT OFFICE', `CITY OF ${person.birthPlace}`]),
    type: 'text',
  };
  layPairs(
    b,
    truth,
    random,
    [pairs[0], pairs[1], pairs[2], pairs[3], pairs[4], pairs[5], pairs[6], pairs[7], authority],
    'stacked',
    { x: 380, y: y - 10, width: 820 },
    { size: 22, lineGap: 30, columns: 2 },
  );
  addFullName(truth, person, {
    surname: findRect(b, pairs[0].printed, start),
    given: findRect(b, pairs[1].printed, start),
  });
  const mrz = td3({
    documentType: 'P',
    issuingState: person.country.code,
    surname: person.surname,
    givenNames: person.given,
    documentNumber: person.number,
    nationality: person.country.code,
    birthDate: iso(person.birth),
    sex: person.sex,
    expiryDate: iso(person.expiry),
  });
  addMrz(
    truth,
    mrz.map((line, i) => b.text(40, 780 + i * 46, line, { font: 'mono', size: 34 })),
  );
  return { b, truth };
}

// ── travel ───────────────────────────────────────────────────────────────────

function boardingPass(random: Random): Drawn {
  const b = new PageBuilder(1400, 560, {
    font: random.pick(['sans', 'condensed']),
    size: 26,
    color: '#111111',
  });
  const truth = new Truth();
  const airline = random.pick(AIRLINES);
  b.rect(0, 0, 1400, 90, { fill: random.pick(['#103060', '#602010', '#106040']) });
  truth.add({ key: 'Airline', label: '', printed: airline.name, type: 'name' }, [
    b.text(40, 60, airline.name.toUpperCase(), { font: 'sans-bold', size: 34, color: '#ffffff' }),
  ]);
  b.textRight(1360, 60, random.pick(['BOARDING PASS', 'Boarding Pass']), {
    font: 'sans-bold',
    size: 30,
    color: '#ffffff',
  });
  const person = randomPerson(random);
  const [from, to] = random.sample(AIRPORTS, 2);
  const date = randomDate(random, 2024, 2026);
  const departure = { h: random.int(5, 22), m: random.pick([0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55]) };
  const boardMinutes = departure.h * 60 + departure.m - random.pick([30, 40, 45]);
  const boarding = { h: Math.floor(boardMinutes / 60), m: boardMinutes % 60 };
  const flight = `${airline.code} ${random.int(100, 9899)}`;
  const nameStyle = random.int(0, 2);
  const printedName =
    nameStyle === 0
      ? `${person.last.toUpperCase()}/${person.first.toUpperCase()} ${random.pick(['MR', 'MS', 'MRS'])}`
      : nameStyle === 1
        ? `${person.first} ${person.last}`
        : `${person.last.toUpperCase()}, ${person.first.toUpperCase()}`;
  const pairs: Pair[] = [
    {
      key: 'Passenger Name',
      label: random.pick(['Passenger', 'Name of passenger', 'PASSENGER NAME']),
      printed: printedName,
      type: 'name',
      value: `${person.first} ${person.last}`,
    },
    { key: 'Flight', label: 'Flight', printed: flight, type: 'code' },
    {
      key: 'Date',
      label: 'Date',
      printed: printDate(random, date, ['dd mon yyyy', 'dd-mon-yyyy', 'd-month-y', 'wkd-mon-d-y']),
      type: 'date',
      value: iso(date),
    },
    { key: 'From', label: 'From', printed: from, type: 'code' },
    { key: 'To', label: 'To', printed: to, type: 'code' },
    {
      key: 'Gate',
      label: 'Gate',
      printed: `${random.pick(['A', 'B', 'C', 'D'])}${random.int(1, 40)}`,
      type: 'code',
    },
    {
      key: 'Boarding Time',
      label: random.pick(['Boarding', 'Boarding Time', 'Boards']),
      printed: printTime(random, boarding.h, boarding.m),
      type: 'time',
      value: timeValue(boarding.h, boarding.m),
    },
    {
      key: 'Seat',
      label: 'Seat',
      printed: `${random.int(1, 38)}${random.pick(['A', 'B', 'C', 'D', 'E', 'F'])}`,
      type: 'code',
    },
    {
      key: 'Booking Reference',
      label: random.pick(['Booking Ref', 'PNR', 'Booking reference']),
      printed: random.letters(6),
      type: 'id',
    },
  ];
  const style = random.pick(['table', 'table', 'stacked', 'colon'] as const);
  layPairs(
    b,
    truth,
    random,
    pairs,
    style,
    { x: 40, y: style === 'colon' ? 150 : 145, width: 1320 },
    {
      size: style === 'colon' ? 24 : 28,
      upper: random.chance(0.6),
      lineGap: style === 'colon' ? 40 : undefined,
      columns: 4,
    },
  );
  // A barcode-like strip, as on real passes.
  for (let x = 1060; x < 1360; x += random.int(3, 9))
    b.rect(x, 470, random.int(1, 4), 70, { fill: '#111111' });
  return { b, truth };
}

function ticket(random: Random): Drawn {
  const b = new PageBuilder(
    1200,
    620,
    { font: random.pick(['sans', 'serif', 'condensed']), size: 26, color: '#111111' },
    random.pick(['#ffffff', '#fff8e8', '#eef7ff']),
  );
  const truth = new Truth();
  const money = random.pick(CURRENCIES);
  const price = random.int(900, 15000);
  b.rect(10, 10, 1180, 600, { stroke: '#333333', width: 3 });
  if (random.chance(0.5)) {
    const operator = `${random.pick(['Northern', 'Western', 'Central', 'Coastal', 'Alpine'])} ${random.pick(['Rail', 'Railways', 'Trains'])}`;
    truth.add({ key: 'Operator', label: '', printed: operator, type: 'name' }, [
      b.text(40, 70, operator, { font: 'sans-bold', size: 36 }),
    ]);
    b.textRight(1160, 70, random.pick(['TICKET', 'Travel Ticket', 'E-TICKET']), {
      font: 'sans-bold',
      size: 30,
    });
    const [from, to] = random.sample(STATIONS, 2);
    const date = randomDate(random, 2024, 2026);
    const h = random.int(5, 22);
    const m = random.int(0, 59);
    const pairs: Pair[] = [
      { key: 'From', label: 'From', printed: from, type: 'text' },
      { key: 'To', label: 'To', printed: to, type: 'text' },
      {
        key: 'Date',
        label: random.pick(['Date', 'Travel date', 'Valid on']),
        printed: printDate(random, date, [
          'weekday-d-month-y',
          'd-month-y',
          'dd mon yyyy',
          'dmy-slash',
          'wkd-mon-d-y',
        ]),
        type: 'date',
        value: iso(date),
      },
      {
        key: 'Time',
        label: random.pick(['Departure', 'Departs', 'Dep.']),
        printed: printTime(random, h, m),
        type: 'time',
        value: timeValue(h, m),
      },
      {
        key: 'Class',
        label: 'Class',
        printed: random.pick(['Standard', 'First', '2nd', '1st']),
        type: 'text',
      },
      {
        key: 'Ticket Number',
        label: random.pick(['Ticket No.', 'Ticket number', 'Ticket #']),
        printed: `${random.letters(2)}${random.digits(8)}`,
        type: 'id',
      },
      {
        key: 'Total',
        label: random.pick(['Price', 'Fare', 'Total']),
        printed: printAmount(price, money),
        type: 'amount',
        value: amountValue(price),
      },
    ];
    layPairs(
      b,
      truth,
      random,
      pairs,
      random.pick(['colon', 'stacked', 'two-per-row', 'gap'] as const),
      { x: 40, y: 150, width: 1100 },
      { size: 26 },
    );
  } else {
    const event = random.pick(EVENTS);
    truth.add({ key: 'Event', label: '', printed: event, type: 'text' }, [
      b.text(40, 80, event, { font: 'serif-bold', size: 40 }),
    ]);
    const date = randomDate(random, 2024, 2026);
    const h = random.int(17, 21);
    const m = random.pick([0, 30]);
    const pairs: Pair[] = [
      { key: 'Venue', label: 'Venue', printed: random.pick(VENUES), type: 'text' },
      {
        key: 'Date',
        label: 'Date',
        printed: printDate(random, date, ['weekday-d-month-y', 'wkd-mon-d-y', 'month-d-y', 'd-month-y']),
        type: 'date',
        value: iso(date),
      },
      {
        key: 'Time',
        label: random.pick(['Doors', 'Doors open', 'Start']),
        printed: printTime(random, h, m),
        type: 'time',
        value: timeValue(h, m),
      },
      {
        key: 'Section',
        label: random.pick(['Section', 'Block']),
        printed: random.pick(['A', 'B', 'C', 'Stalls', 'Balcony']),
        type: 'text',
      },
      { key: 'Row', label: 'Row', printed: random.pick(['F', 'K', '12', '3', 'AA']), type: 'code' },
      { key: 'Seat', label: 'Seat', printed: String(random.int(1, 40)), type: 'code' },
      {
        key: 'Total',
        label: random.pick(['Price', 'Total']),
        printed: printAmount(price, money),
        type: 'amount',
        value: amountValue(price),
      },
      {
        key: 'Booking Reference',
        label: random.pick(['Order No.', 'Order number', 'Booking ref']),
        printed: `${random.digits(3)}-${random.digits(6)}`,
        type: 'id',
      },
    ];
    layPairs(
      b,
      truth,
      random,
      pairs,
      random.pick(['table', 'stacked', 'colon', 'two-per-row'] as const),
      { x: 40, y: 160, width: 1100 },
      { size: 26, upper: random.chance(0.5) },
    );
  }
  return { b, truth };
}

// ── letters and bills ────────────────────────────────────────────────────────

function wrap(b: PageBuilder, text: string, width: number, size: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const next = line ? `${line} ${word}` : word;
    if (b.measure(next, { size }).width > width && line) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

function letter(random: Random): Drawn {
  const fonts = bodyFont(random);
  const b = new PageBuilder(A4.width, A4.height, { font: fonts.regular, size: 24, color: '#111111' });
  const truth = new Truth();
  const sender = randomCompany(random);
  const senderAddress = randomAddress(random);
  const left = 120;
  const centreHeader = random.chance(0.4);
  const senderRect = centreHeader
    ? b.textCentre(620, 120, sender, { font: fonts.bold, size: 38 })
    : b.text(left, 120, sender, { font: fonts.bold, size: 38 });
  truth.add({ key: 'Sender', label: '', printed: sender, type: 'name' }, [senderRect]);
  const addressLine = `${senderAddress.street} · ${senderAddress.postcode} ${senderAddress.city} · Tel ${random.digits(3)} ${random.digits(4)}`;
  if (centreHeader) b.textCentre(620, 160, addressLine, { size: 20 });
  else b.text(left, 160, addressLine, { size: 20 });
  b.line(left, 185, 1120, 185, 2, '#333333');
  const recipient = randomPerson(random);
  const recipientAddress = randomAddress(random);
  const title = random.pick(['Mr', 'Ms', 'Dr', 'Mrs']);
  truth.add({ key: 'Recipient', label: '', printed: `${recipient.first} ${recipient.last}`, type: 'name' }, [
    b.text(left, 300, `${title} ${recipient.first} ${recipient.last}`),
  ]);
  b.text(left, 334, recipientAddress.street);
  b.text(left, 368, `${recipientAddress.postcode} ${recipientAddress.city}`);
  const date = randomDate(random, 2023, 2026);
  const printedDate = printDate(random, date, [
    'd-month-y',
    'month-d-y',
    'weekday-d-month-y',
    'dmy-dot',
    'iso',
    'dd mon yyyy',
  ]);
  const dateLabelled = random.chance(0.4);
  if (dateLabelled) {
    layPairs(
      b,
      truth,
      random,
      [{ key: 'Date', label: 'Date', printed: printedDate, type: 'date', value: iso(date) }],
      'colon',
      { x: 760, y: 300, width: 360 },
      { size: 24 },
    );
  } else {
    truth.add({ key: 'Date', label: '', printed: printedDate, type: 'date', value: iso(date) }, [
      b.textRight(1120, 300, printedDate),
    ]);
  }
  const reference = `${random.letters(3)}-${random.digits(5)}`;
  let y = 460;
  y = layPairs(
    b,
    truth,
    random,
    [
      {
        key: 'Reference',
        label: random.pick(['Our ref', 'Reference', 'Your reference', 'Case number']),
        printed: reference,
        type: 'id',
      },
    ],
    'colon',
    { x: left, y, width: 900 },
    { size: 22 },
  );
  const subject = random.pick([
    'Change to your contract terms',
    'Confirmation of your appointment',
    'Annual statement of your account',
    'Your application for membership',
    'Renewal of your insurance policy',
    'Outstanding balance reminder',
  ]);
  const subjectLabel = random.pick(['Re:', 'Subject:', 'RE:']);
  const subjectLabelRect = b.text(left, y + 10, subjectLabel, { font: fonts.bold });
  truth.add({ key: 'Subject', label: subjectLabel.replace(/:$/, ''), printed: subject, type: 'text' }, [
    b.text(subjectLabelRect.x + subjectLabelRect.w + 12, y + 10, subject, { font: fonts.bold }),
  ]);
  y += 90;
  b.text(left, y, `Dear ${title} ${recipient.last},`);
  y += 60;
  const body = [
    `Thank you for your recent correspondence regarding the matter above. We have reviewed the details you provided and are pleased to confirm the next steps on our side.`,
    `Please keep this letter for your records and quote the reference ${reference} whenever you contact us. If anything is unclear, our team is available on weekdays between 9:00 and 17:00.`,
    random.pick([
      'We look forward to hearing from you.',
      'We appreciate your continued trust in our services.',
      'No further action is needed from you at this time.',
    ]),
  ];
  for (const paragraph of body) {
    for (const line of wrap(b, paragraph, 1000, 24)) {
      b.text(left, y, line);
      y += 36;
    }
    y += 22;
  }
  y += 30;
  b.text(left, y, random.pick(['Yours sincerely,', 'Kind regards,', 'Best regards,']));
  const signer = randomPerson(random);
  b.text(left, y + 90, `${signer.first} ${signer.last}`);
  b.text(left, y + 124, random.pick(['Customer Service Manager', 'Head of Accounts', 'Client Relations']), {
    size: 22,
  });
  return { b, truth };
}

function bill(random: Random): Drawn {
  const fonts = bodyFont(random);
  const b = new PageBuilder(A4.width, A4.height, { font: fonts.regular, size: 24, color: '#111111' });
  const truth = new Truth();
  const provider = random.pick(PROVIDERS);
  const money = random.pick(CURRENCIES);
  const left = 100;
  const right = 1140;
  b.rect(0, 0, A4.width, 160, { fill: random.pick(['#e7f0fa', '#faf0e7', '#eefae7']) });
  truth.add({ key: 'Provider', label: '', printed: provider, type: 'name' }, [
    b.text(left, 100, provider, { font: fonts.bold, size: 42 }),
  ]);
  b.textRight(right, 100, random.pick(['Your bill', 'STATEMENT', 'Electricity bill', 'Monthly statement']), {
    size: 30,
  });
  const customer = randomPerson(random);
  const address = randomAddress(random);
  let y = 260;
  const blockLabel = random.pick(['', 'Bill To:', 'Account holder:']);
  if (blockLabel) {
    b.text(left, y, blockLabel, { font: fonts.bold, size: 22 });
    y += 36;
  }
  truth.add(
    {
      key: 'Customer',
      label: blockLabel.replace(/:$/, ''),
      printed: `${customer.first} ${customer.last}`,
      type: 'name',
    },
    [b.text(left, y, `${customer.first} ${customer.last}`)],
  );
  b.text(left, y + 34, address.street);
  b.text(left, y + 68, `${address.postcode} ${address.city}`);
  y += 160;
  const billDate = randomDate(random, 2023, 2026);
  const due = addDays(billDate, random.pick([14, 21, 28]));
  const previous = random.int(2000, 30000);
  const amountDue = random.int(2000, 40000);
  const pairs: Pair[] = [
    {
      key: 'Account Number',
      label: random.pick(['Account number', 'Account No.', 'Customer number']),
      printed: `${random.digits(4)} ${random.digits(4)} ${random.digits(2)}`,
      type: 'id',
    },
    {
      key: 'Bill Date',
      label: random.pick(['Bill date', 'Statement date', 'Date']),
      printed: printDate(random, billDate),
      type: 'date',
      value: iso(billDate),
    },
    {
      key: 'Due Date',
      label: random.pick(['Due date', 'Please pay by', 'Payment due']),
      printed: printDate(random, due),
      type: 'date',
      value: iso(due),
    },
  ];
  y = layPairs(
    b,
    truth,
    random,
    pairs,
    random.pick(['table', 'colon', 'gap', 'stacked'] as const),
    { x: left, y, width: right - left },
    { size: 24 },
  );
  y += 30;
  b.rect(left, y - 36, right - left, 50, { fill: '#eeeeee' });
  b.text(left + 12, y, 'Summary of charges', { font: fonts.bold });
  y += 60;
  const charges: Pair[] = [
    {
      key: 'Previous Balance',
      label: random.pick(['Previous balance', 'Balance brought forward']),
      printed: printAmount(previous, money),
      type: 'amount',
      value: amountValue(previous),
    },
    {
      key: 'Payments',
      label: 'Payments received',
      printed: printAmount(-previous, money),
      type: 'amount',
      value: amountValue(-previous),
      unscored: true,
    },
    {
      key: 'Charges',
      label: random.pick(['Charges this period', 'New charges', 'Usage charges']),
      printed: printAmount(amountDue, money),
      type: 'amount',
      value: amountValue(amountDue),
      unscored: true,
    },
    {
      key: 'Amount Due',
      label: random.pick(['Amount due', 'Total to pay', 'TOTAL DUE', 'Balance due']),
      printed: printAmount(amountDue, money),
      type: 'amount',
      value: amountValue(amountDue),
    },
  ];
  y = layPairs(
    b,
    truth,
    random,
    charges,
    random.pick(['gap', 'colon'] as const),
    { x: left + 12, y, width: right - left - 24 },
    { size: 24 },
  );
  y += 40;
  for (const line of wrap(
    b,
    'Payments can be made by direct debit, bank transfer or online. Please allow three working days for payments to reach your account.',
    1000,
    20,
  )) {
    b.text(left, y, line, { size: 20 });
    y += 30;
  }
  return { b, truth };
}

export const DOCUMENT_GENERATORS: Record<Exclude<DocumentKind, 'form'>, (random: Random) => Drawn> = {
  receipt,
  invoice,
  'id-card': idCard,
  passport,
  'boarding-pass': boardingPass,
  ticket,
  letter,
  bill,
};

export function documentCase(kind: Exclude<DocumentKind, 'form'>, id: string, random: Random): DocumentCase {
  const { b, truth } = DOCUMENT_GENERATORS[kind](random);
  return { id, kind, task: 'document', page: b.spec(), fields: truth.fields, blanks: [] };
}
