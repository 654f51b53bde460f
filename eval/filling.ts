/**
 * Form-filling cases: a library of earlier documents about one person (keys named as different apps name
 * them), a form whose field names are synonyms of those keys, values to derive, fields the library cannot
 * answer (they must stay empty), and a second person's document to tempt a fill from the wrong party.
 */
import type { ExpectedFill, FillCase } from './cases';
import {
  addDays,
  COUNTRIES,
  formatDate,
  iso,
  randomAddress,
  randomCompany,
  randomDate,
  randomPerson,
} from './data';
import type { ValueType } from './normalise';
import type { Random } from './random';

/** `MMM DD, YYYY`, as the app's library holds dates. */
const libraryDate = (date: Parameters<typeof iso>[0]) => formatDate(date, 'mon-dd-yyyy');

interface Fact {
  /** Form field names that ask for it (synonyms of the library's key). */
  asks: string[];
  type: ValueType;
  value: string;
  source: string;
  derived?: boolean;
}

const EMPTY_FIELDS = [
  'Driving Licence Number',
  'Spouse Name',
  'Previous Employer',
  'Fax Number',
  'Maiden Name',
  'Vehicle Registration',
  'Membership Number',
  'Tax Reference',
];

export function fillCase(id: string, random: Random): FillCase {
  const me = randomPerson(random);
  const other = randomPerson(random);
  const country = random.pick(COUNTRIES);
  const birth = randomDate(random, 1955, 2003);
  const passportExpiry = addDays(randomDate(random, 2026, 2033), 0);
  const address = randomAddress(random);
  const employer = randomCompany(random);
  const annual = random.int(24, 120) * 1000;
  const passportNumber = `${random.letters(2)}${random.digits(7)}`;
  const policyNumber = `POL-${random.digits(7)}`;
  const iban = `${random.letters(2)}${random.digits(2)}${random.letters(4)}${random.digits(10)}`;
  const email = `${me.first.toLowerCase()}.${me.last.toLowerCase()}@example.com`;
  const phone = `+31 6 ${random.digits(4)} ${random.digits(4)}`;

  const passportId = `doc-passport-${random.digits(4)}`;
  const payslipId = `doc-payslip-${random.digits(4)}`;
  const billId = `doc-bill-${random.digits(4)}`;
  const bankId = `doc-bank-${random.digits(4)}`;
  const insuranceId = `doc-insurance-${random.digits(4)}`;
  const otherId = `doc-colleague-${random.digits(4)}`;
  const formId = `form-previous-${random.digits(4)}`;

  const nameKeys = random.pick([
    { Surname: me.last, 'Given Names': me.first },
    { 'Last Name': me.last, 'First Name': me.first },
    { 'Full Name': `${me.first} ${me.last}` },
  ]);
  const docs: Record<string, unknown>[] = [
    {
      id: passportId,
      name: 'Passport',
      tags: ['passport', 'identity'],
      extractedInfo: {
        ...nameKeys,
        [random.pick(['Date of Birth', 'DOB', 'Birth Date'])]: libraryDate(birth),
        [random.pick(['Nationality', 'Citizenship'])]: country.adjective,
        [random.pick(['Passport Number', 'Document Number', 'Passport No.'])]: passportNumber,
        [random.pick(['Expiry Date', 'Date of Expiry'])]: libraryDate(passportExpiry),
      },
    },
    {
      id: payslipId,
      name: random.pick(['Payslip', 'Employment Contract']),
      tags: ['employment'],
      extractedInfo: {
        [random.pick(['Employee Name', 'Employee'])]: `${me.first} ${me.last}`,
        [random.pick(['Employer', 'Company', 'Employer Name'])]: employer,
        'Employer Contact': `${other.first} ${other.last}`,
        [random.pick(['Annual Salary', 'Annual Income', 'Gross Annual Pay'])]: annual.toLocaleString('en-US'),
        'Job Title': random.pick(['Analyst', 'Nurse', 'Technician', 'Teacher']),
      },
    },
    {
      id: billId,
      name: 'Electricity Bill',
      tags: ['utility', 'bill'],
      extractedInfo: {
        [random.pick(['Account Holder', 'Customer'])]: `${me.first} ${me.last}`,
        [random.pick(['Address', 'Service Address'])]: address.street,
        City: address.city,
        [random.pick(['Postal Code', 'ZIP', 'Post Code'])]: address.postcode,
        Email: email,
        Phone: phone,
      },
    },
    {
      id: bankId,
      name: 'Bank Statement',
      tags: ['bank'],
      extractedInfo: {
        'Account Holder Name': `${me.first} ${me.last}`,
        IBAN: iban,
        Bank: 'Harbor Savings Bank',
      },
    },
    {
      id: insuranceId,
      name: 'Home Insurance Policy',
      tags: ['insurance'],
      extractedInfo: {
        [random.pick(['Policyholder', 'Insured'])]: `${me.first} ${me.last}`,
        'Policy Number': policyNumber,
        Insurer: 'Evergreen Insurance',
      },
    },
    // Another person's document: none of its values belongs on this person's form.
    {
      id: otherId,
      name: 'Colleague ID Card',
      tags: ['identity'],
      extractedInfo: {
        'Full Name': `${other.first} ${other.last}`,
        'Date of Birth': libraryDate(randomDate(random, 1960, 2000)),
        'Driving Licence Number': `DL${random.digits(8)}`,
      },
    },
  ];
  const forms: Record<string, unknown>[] = [
    {
      id: formId,
      name: 'Gym Membership Form',
      formFields: [
        { name: 'Phone Number', value: phone },
        { name: 'Email Address', value: email },
      ],
    },
  ];

  const facts: Fact[] = [
    {
      asks: ['Full Name', 'Name', 'Applicant Name'],
      type: 'name',
      value: `${me.first} ${me.last}`,
      source: passportId,
    },
    { asks: ['Date of Birth', 'DOB', 'Birth Date'], type: 'date', value: iso(birth), source: passportId },
    { asks: ['Nationality', 'Citizenship'], type: 'text', value: country.adjective, source: passportId },
    { asks: ['Passport Number', 'Passport No.'], type: 'id', value: passportNumber, source: passportId },
    {
      asks: ['Passport Expiry Date', 'Passport Expiry'],
      type: 'date',
      value: iso(passportExpiry),
      source: passportId,
    },
    {
      asks: ['Employer Name', 'Current Employer', 'Employer'],
      type: 'name',
      value: employer,
      source: payslipId,
    },
    {
      asks: ['Annual Income', 'Yearly Salary', 'Gross Annual Income'],
      type: 'amount',
      value: annual.toFixed(2),
      source: payslipId,
    },
    {
      asks: ['Monthly Income', 'Gross Monthly Income'],
      type: 'amount',
      value: (annual / 12).toFixed(2),
      source: payslipId,
      derived: true,
    },
    {
      asks: ['Home Address', 'Street Address', 'Address'],
      type: 'text',
      value: address.street,
      source: billId,
    },
    { asks: ['City', 'Town'], type: 'text', value: address.city, source: billId },
    {
      asks: ['ZIP Code', 'Post Code', 'Postal Code', 'Postcode'],
      type: 'id',
      value: address.postcode,
      source: billId,
    },
    { asks: ['Email Address', 'E-mail'], type: 'text', value: email, source: billId },
    { asks: ['Phone Number', 'Telephone', 'Mobile Number'], type: 'id', value: phone, source: billId },
    { asks: ['IBAN', 'Bank Account (IBAN)'], type: 'id', value: iban, source: bankId },
    {
      asks: ['Account Holder Name', 'Name of Account Holder'],
      type: 'name',
      value: `${me.first} ${me.last}`,
      source: bankId,
    },
    {
      asks: ['Policyholder Name', 'Policy Holder'],
      type: 'name',
      value: `${me.first} ${me.last}`,
      source: insuranceId,
    },
    { asks: ['Policy Number', 'Insurance Policy No.'], type: 'id', value: policyNumber, source: insuranceId },
  ];
  const sameSources: Record<string, string[]> = {
    // The person's name and contact details are stated by several items: any of them is a right source.
    name: [passportId, payslipId, billId, bankId, insuranceId],
    contact: [billId, formId],
  };
  const expected: ExpectedFill[] = random.sample(facts, random.int(7, 11)).map((fact) => {
    const field = random.pick(fact.asks);
    const sources =
      fact.type === 'name' && fact.value === `${me.first} ${me.last}`
        ? sameSources.name
        : fact.source === billId && /mail|phone|tele|mobile/i.test(field)
          ? sameSources.contact
          : [fact.source];
    return { field, type: fact.type, value: fact.value, sources, ...(fact.derived ? { derived: true } : {}) };
  });
  for (const field of random.sample(EMPTY_FIELDS, random.int(2, 3)))
    expected.push({ field, type: 'text', sources: [] });
  const ordered = random.shuffle(expected);
  return {
    id,
    kind: 'form-filling',
    task: 'form_filling',
    form: { id: `form-${id}`, fields: ordered.map((fill) => fill.field) },
    library: { docs: random.shuffle(docs), forms },
    expected: ordered,
  };
}
