/**
 * The canonical field names results use, with the names people print for the same field and the kind of
 * value each takes: one table that the prompts list, the offline model matches by, and the form-filling
 * normalisation and evidence check values against. Derived values say which fields they come from.
 */
import { amountInCents, formatAmount } from './amounts';
import { parseDate } from './dates';

/** Key names for identity documents (passport, driver licence, ID card), so results agree across items. */
export const IDENTITY_FIELD_NAMES = [
  'Full Name',
  'Date of Birth',
  'Place of Birth',
  'Sex',
  'Nationality',
  'Document Number',
  'Issue Date',
  'Expiry Date',
  'Issuing Authority',
  'Address',
] as const;

/** What a field's value must look like: a date field takes a date, an email field an email. */
export type FieldType =
  | 'date'
  | 'amount'
  | 'email'
  | 'telephone'
  | 'postal-code'
  | 'name'
  | 'number'
  | 'text';

export interface CanonicalField {
  type: FieldType;
  /** Names printed for it, the canonical one first. Compared lower-cased, punctuation as spaces. */
  names: readonly string[];
}

/**
 * Names of one entry mean the same field; names of two entries never do (an employee's own name is not the
 * "Employer Name"). Only whole names are listed: "Previous Address" is not an "Address".
 */
export const CANONICAL_FIELDS = {
  'Full Name': {
    type: 'name',
    names: [
      'Full Name',
      'Name',
      'Complete Name',
      'Name in Full',
      'Applicant Name',
      'Name of Applicant',
      'Employee Name',
      'Employee',
      'Name of Employee',
      'Customer Name',
      'Customer',
      'Holder Name',
      "Holder's Name",
      'Name of Holder',
    ],
  },
  'First Name': {
    type: 'name',
    names: ['First Name', 'Given Name', 'Given Names', 'Forename', 'Forenames', 'Christian Name'],
  },
  'Last Name': { type: 'name', names: ['Last Name', 'Surname', 'Family Name'] },
  'Date of Birth': { type: 'date', names: ['Date of Birth', 'DOB', 'Birth Date', 'Birthdate', 'Birthday'] },
  'Place of Birth': { type: 'text', names: ['Place of Birth', 'Birth Place', 'Birthplace', 'POB'] },
  Sex: { type: 'text', names: ['Sex', 'Gender'] },
  Nationality: {
    type: 'text',
    names: ['Nationality', 'Citizenship', 'Country of Citizenship', 'Citizen of'],
  },
  'Document Number': { type: 'number', names: ['Document Number', 'Document No'] },
  'Issue Date': { type: 'date', names: ['Issue Date', 'Date of Issue', 'Issued On', 'Date Issued'] },
  'Expiry Date': {
    type: 'date',
    names: ['Expiry Date', 'Date of Expiry', 'Expiration Date', 'Expires', 'Expires On', 'Valid Until'],
  },
  'Issuing Authority': { type: 'text', names: ['Issuing Authority', 'Authority', 'Issued By'] },
  Address: {
    type: 'text',
    names: [
      'Address',
      'Home Address',
      'Street Address',
      'Residential Address',
      'Current Address',
      'Address Line 1',
      'Street',
      // A utility bill's service address is where its customer lives.
      'Service Address',
    ],
  },
  City: { type: 'text', names: ['City', 'Town', 'Town or City', 'City or Town', 'Town City', 'City Town'] },
  'Postal Code': {
    type: 'postal-code',
    names: ['Postal Code', 'Post Code', 'Postcode', 'ZIP', 'ZIP Code', 'Zipcode', 'PIN Code'],
  },
  Country: { type: 'text', names: ['Country', 'Country of Residence'] },
  Email: { type: 'email', names: ['Email', 'E-mail', 'Email Address', 'E-mail Address', 'Email ID'] },
  Telephone: {
    type: 'telephone',
    names: [
      'Telephone',
      'Telephone Number',
      'Phone',
      'Phone Number',
      'Mobile',
      'Mobile Number',
      'Mobile Phone',
      'Cell Phone',
      'Contact Number',
      'Tel',
    ],
  },
  Employer: {
    type: 'name',
    names: [
      'Employer',
      'Employer Name',
      'Name of Employer',
      "Employer's Name",
      'Current Employer',
      'Current Employer Name',
      'Present Employer',
      'Employed By',
      // An employment item's company is its employee's employer.
      'Company',
      'Company Name',
    ],
  },
  'Job Title': {
    type: 'text',
    names: ['Job Title', 'Occupation', 'Profession', 'Position', 'Current Position'],
  },
  'Annual Income': {
    type: 'amount',
    names: [
      'Annual Income',
      'Gross Annual Income',
      'Yearly Income',
      'Annual Salary',
      'Gross Annual Salary',
      'Yearly Salary',
      'Annual Pay',
      'Gross Annual Pay',
      'Annual Gross Salary',
    ],
  },
  'Monthly Income': {
    type: 'amount',
    names: [
      'Monthly Income',
      'Gross Monthly Income',
      'Monthly Salary',
      'Gross Monthly Salary',
      'Monthly Pay',
      'Gross Monthly Pay',
    ],
  },
  'Account Holder Name': {
    type: 'name',
    names: [
      'Account Holder Name',
      'Account Holder',
      "Account Holder's Name",
      'Name of Account Holder',
      'Account Name',
    ],
  },
  IBAN: { type: 'text', names: ['IBAN', 'IBAN Number', 'International Bank Account Number'] },
  'Account Number': { type: 'number', names: ['Account Number', 'Account No', 'Bank Account Number'] },
  'Policyholder Name': {
    type: 'name',
    names: [
      'Policyholder Name',
      'Policyholder',
      'Policy Holder',
      'Policy Holder Name',
      "Policyholder's Name",
      'Name of Policyholder',
      'Insured',
      'Insured Person',
      'Insured Name',
      'Name of Insured',
    ],
  },
  'Policy Number': {
    type: 'number',
    names: ['Policy Number', 'Policy No', 'Insurance Policy Number', 'Insurance Policy No'],
  },
} as const satisfies Record<string, CanonicalField>;

export type CanonicalFieldName = keyof typeof CANONICAL_FIELDS;

/**
 * Labels documents print for their facts (receipts, invoices, bills, tickets, passes, letters), beside the
 * canonical fields' names: what a label OCR misread by a letter or two is recognised as.
 */
export const PRINTED_LABELS: readonly string[] = [
  'Total',
  'Subtotal',
  'Sub-total',
  'Grand Total',
  'Total Due',
  'Total Amount',
  'Amount Due',
  'Balance Due',
  'Amount Payable',
  'Sales Tax',
  'Tax Amount',
  'Invoice Number',
  'Invoice No',
  'Invoice Date',
  'Invoice To',
  'Due Date',
  'Payment Due',
  'Please Pay By',
  'Bill To',
  'Billed To',
  'Ship To',
  'Sold To',
  'Receipt Number',
  'Receipt No',
  'Transaction',
  'Payment Method',
  'Paid By',
  'Tender',
  'Cashier',
  'Customer Number',
  'Account Holder',
  'Statement Date',
  'Bill Date',
  'Billing Period',
  'Previous Balance',
  'Balance Brought Forward',
  'Payments Received',
  'New Charges',
  'Usage Charges',
  'Reference',
  'Your Reference',
  'Our Reference',
  'Case Number',
  'Order Number',
  'Subject',
  'Passenger',
  'Passenger Name',
  'Name of Passenger',
  'Flight',
  'Boarding Time',
  'Boarding',
  'Booking Reference',
  'Booking Ref',
  'Departure',
  'Departs',
  'Arrival',
  'Destination',
  'Platform',
  'Carriage',
  'Ticket Number',
  'Ticket No',
  'Travel Date',
  'Venue',
  'Doors Open',
  'Section',
  'Surname',
  'Given Names',
  'Date of Expiry',
  'Date of Issue',
  'Passport No',
  'Card Number',
  // Forms
  'Marital Status',
  'Emergency Contact',
  'Signature',
  'Occupation',
  'Reference Number',
  'Application Number',
  'Member Number',
  'Membership Type',
  'Patient ID',
  'Date of Incident',
  'Description of Loss',
  'Preferred Contact',
  'Consent to Contact',
  'Years of Experience',
];

const printedForm = (name: string) =>
  name
    .toLowerCase()
    .replace(/['’]s\b/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

const CANONICAL_BY_PRINTED = new Map<string, CanonicalFieldName>(
  Object.entries(CANONICAL_FIELDS).flatMap(([canonical, field]) =>
    field.names.map((name) => [printedForm(name), canonical as CanonicalFieldName] as const),
  ),
);

/**
 * The name as printed, then its alternatives: a form's "Bank Account (IBAN)" is also "Bank Account" and
 * "IBAN", "Town/City" is "Town" and "City".
 */
export function nameVariants(name: string): string[] {
  const variants = [name];
  const inner = [...name.matchAll(/\(([^()]*)\)/g)].map((match) => match[1]);
  if (inner.length > 0) variants.push(name.replace(/\([^()]*\)/g, ' '), ...inner);
  for (const variant of [...variants]) if (variant.includes('/')) variants.push(...variant.split('/'));
  return [...new Set(variants.map((variant) => variant.trim()).filter(Boolean))];
}

/** The canonical name of a field the table knows (`Post Code` → `Postal Code`), or undefined. */
export function canonicalFieldName(name: string): CanonicalFieldName | undefined {
  for (const variant of nameVariants(name)) {
    const canonical = CANONICAL_BY_PRINTED.get(printedForm(variant));
    if (canonical !== undefined) return canonical;
  }
  return undefined;
}

/** Words that give a field's type away when the table does not know the field (last match wins). */
const TYPE_WORDS: [RegExp, FieldType][] = [
  [/\b(name|holder|employer|insured)\b/, 'name'],
  [/\b(number|no|nr|id|reference|ref)\b/, 'number'],
  [/\b(income|salary|amount|wage|wages|pay|price|cost|fee|total|premium|balance|rent)\b/, 'amount'],
  [/\b(postcode|zip)\b/, 'postal-code'],
  [/\b(phone|telephone|mobile|fax|tel)\b/, 'telephone'],
  [/\b(email|e mail)\b/, 'email'],
  [/\b(date|dob|birthday|expiry|expires)\b/, 'date'],
];

/** What a field's value must look like, from the table or from the words of its name. */
export function fieldType(name: string): FieldType {
  const canonical = canonicalFieldName(name);
  if (canonical !== undefined) return CANONICAL_FIELDS[canonical].type;
  const printed = printedForm(name);
  let type: FieldType = 'text';
  for (const [words, wordType] of TYPE_WORDS) if (words.test(printed)) type = wordType;
  return type;
}

/** A numeric date whose day/month order is unclear (`05/03/2024`) is still a date. */
const NUMERIC_DATE = /^\d{1,4}[./-]\d{1,2}[./-]\d{2,4}$/;

/** True when a value can be what a field of this type holds. */
export function valueFitsType(type: FieldType, value: string): boolean {
  const text = value.trim();
  const isDate = parseDate(text) !== undefined || NUMERIC_DATE.test(text);
  switch (type) {
    case 'date':
      return isDate;
    case 'amount':
      return amountInCents(text) !== undefined;
    case 'email':
      return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text);
    case 'telephone':
      return /^\+?[\d\s().\-/]+$/.test(text) && (text.match(/\d/g)?.length ?? 0) >= 6;
    case 'postal-code':
      return text.length <= 12 && /\d/.test(text);
    case 'number':
      return /\d/.test(text) && !isDate;
    case 'name':
      return /\p{L}/u.test(text) && !text.includes('@') && !isDate;
    case 'text':
      return text.length > 0;
  }
}

/** A value worked out from others of one library item, where the inputs say all there is to it. */
export interface FieldDerivation {
  field: CanonicalFieldName;
  from: readonly CanonicalFieldName[];
  /** How, in words, for the prompts. */
  rule: string;
  derive: (inputs: readonly string[]) => string | undefined;
}

function scaledAmount(factor: number) {
  return ([input]: readonly string[]) => {
    const cents = input === undefined ? undefined : amountInCents(input);
    return cents === undefined ? undefined : formatAmount(cents * factor, input);
  };
}

/**
 * Derivations the library's values state all inputs of. An age from a date of birth is not one: it
 * depends on the day the form is filled in, which a cached answer would outlive.
 */
export const FIELD_DERIVATIONS: readonly FieldDerivation[] = [
  {
    field: 'Monthly Income',
    from: ['Annual Income'],
    rule: 'Monthly Income is Annual Income divided by 12',
    derive: scaledAmount(1 / 12),
  },
  {
    field: 'Annual Income',
    from: ['Monthly Income'],
    rule: 'Annual Income is Monthly Income times 12',
    derive: scaledAmount(12),
  },
  {
    field: 'Full Name',
    from: ['First Name', 'Last Name'],
    rule: 'Full Name is First Name and Last Name joined',
    derive: ([first, last]) => (first && last ? `${first.trim()} ${last.trim()}` : undefined),
  },
];

/**
 * Each derivation whose inputs an item's values hold (by canonical key name): the derived value, with the
 * keys it came from.
 */
export function derivedValues(
  values: Record<string, unknown>,
): { field: CanonicalFieldName; value: string; keys: string[] }[] {
  const keyOf = new Map<CanonicalFieldName, string>();
  for (const [key, value] of Object.entries(values)) {
    const canonical = canonicalFieldName(key);
    if (canonical !== undefined && typeof value === 'string' && !keyOf.has(canonical))
      keyOf.set(canonical, key);
  }
  return FIELD_DERIVATIONS.flatMap((derivation) => {
    if (keyOf.has(derivation.field)) return [];
    const keys = derivation.from.map((name) => keyOf.get(name));
    if (keys.some((key) => key === undefined)) return [];
    const inputs = keys.map((key) => String(values[key as string]));
    const value = derivation.derive(inputs);
    return value === undefined ? [] : [{ field: derivation.field, value, keys: keys as string[] }];
  });
}
