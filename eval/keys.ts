/**
 * How an answer's key is matched to an expected field: the one place the harness defines it.
 * Extractors name keys as they see fit ("Total", "Amount Due", "TOTAL:"), so an expected field is found
 * under any of its accepted names: its own key, the label printed on the page, and the synonyms of its
 * concept below. Names are compared after `keyWords`: case, punctuation, `#`/`No.`/`Nr` (number) and
 * filler words do not matter, and of a bilingual label ("Surname / Nom") the first language counts.
 */
import { words } from './normalise';

/** Accepted names per concept. A concept's own name is always accepted too. */
export const KEY_SYNONYMS: Record<string, readonly string[]> = {
  Merchant: [
    'Store',
    'Shop',
    'Merchant Name',
    'Store Name',
    'Business Name',
    'Vendor',
    'Seller',
    'Company',
    'Retailer',
    'Restaurant',
  ],
  Vendor: [
    'Supplier',
    'Seller',
    'From',
    'Company',
    'Company Name',
    'Vendor Name',
    'Supplier Name',
    'Issuer',
    'Merchant',
    'Billed By',
    'Sender',
  ],
  Customer: [
    'Customer Name',
    'Bill To',
    'Billed To',
    'Client',
    'Client Name',
    'Sold To',
    'Buyer',
    'Bill To Name',
    'Invoice To',
    'Account Holder',
    'Account Name',
  ],
  Provider: ['Supplier', 'Company', 'Issuer', 'Vendor', 'Utility', 'Service Provider', 'Biller', 'From'],
  Sender: ['From', 'Company', 'Organisation', 'Organization', 'Issuer', 'Letterhead', 'Sender Name'],
  Recipient: ['To', 'Addressee', 'Recipient Name', 'Dear'],
  'Invoice Number': ['Invoice No', 'Invoice #', 'Invoice ID', 'Inv No', 'Invoice', 'Number'],
  'Invoice Date': ['Date', 'Date of Issue', 'Issue Date', 'Issued', 'Invoice Issued', 'Issued On'],
  'Due Date': ['Payment Due', 'Due', 'Due By', 'Pay By', 'Payment Due Date', 'Please Pay By'],
  Subtotal: ['Sub Total', 'Net', 'Net Amount', 'Net Total', 'Amount Before Tax', 'Total Before Tax'],
  Tax: ['VAT', 'Sales Tax', 'GST', 'Tax Amount', 'VAT Amount', 'Tax Total'],
  Total: [
    'Total Amount',
    'Amount Due',
    'Total Due',
    'Grand Total',
    'Balance Due',
    'Amount',
    'Total Paid',
    'Amount Paid',
    'Total To Pay',
    'Total Price',
    'Price',
    'Fare',
  ],
  'Amount Due': [
    'Total',
    'Total Due',
    'Amount',
    'Balance Due',
    'Total Amount',
    'Amount Payable',
    'Total To Pay',
    'Please Pay',
    'New Balance',
  ],
  'Previous Balance': ['Balance Brought Forward', 'Last Balance', 'Balance Forward', 'Previous Bill'],
  Date: [
    'Transaction Date',
    'Purchase Date',
    'Receipt Date',
    'Sale Date',
    'Letter Date',
    'Travel Date',
    'Event Date',
    'Flight Date',
    'Date of Travel',
    'Departure Date',
  ],
  Time: [
    'Transaction Time',
    'Purchase Time',
    'Departure Time',
    'Departs',
    'Departure',
    'Doors',
    'Doors Open',
    'Start Time',
    'Event Time',
  ],
  'Receipt Number': [
    'Receipt No',
    'Receipt #',
    'Transaction Number',
    'Transaction ID',
    'Trans No',
    'Receipt ID',
    'Ref',
    'Reference',
  ],
  'Payment Method': ['Payment', 'Paid By', 'Card', 'Card Type', 'Tender', 'Payment Type'],
  'Full Name': ['Name', 'Holder Name', 'Name of Holder', 'Holder'],
  Surname: ['Last Name', 'Family Name'],
  'Given Names': ['Given Name', 'First Name', 'First Names', 'Forenames', 'Forename'],
  'Date of Birth': ['DOB', 'Birth Date', 'Born', 'Date Birth'],
  'Place of Birth': ['Birth Place', 'POB', 'Birthplace'],
  Sex: ['Gender'],
  Nationality: ['Citizenship', 'Nationality Code', 'Country Code', 'Country'],
  'Document Number': [
    'Passport Number',
    'Passport No',
    'Card Number',
    'Card No',
    'ID Number',
    'ID No',
    'Document No',
    'Licence Number',
    'Number',
  ],
  'Issue Date': ['Date of Issue', 'Issued', 'Issued On', 'Valid From'],
  'Expiry Date': [
    'Date of Expiry',
    'Expires',
    'Expiry',
    'Valid Until',
    'Valid Thru',
    'Expiration Date',
    'Valid To',
  ],
  'Issuing Authority': ['Authority', 'Issued By', 'Issuing Office'],
  Airline: ['Carrier', 'Operator', 'Operated By', 'Company'],
  'Passenger Name': ['Passenger', 'Name', 'Traveller', 'Traveler', 'Name of Passenger', 'Full Name'],
  Flight: ['Flight Number', 'Flight No', 'Flight #'],
  From: [
    'Origin',
    'Departure',
    'Departing From',
    'Depart',
    'Departure Airport',
    'Departure Station',
    'From Station',
  ],
  To: ['Destination', 'Arrival', 'Arriving', 'Arrive', 'Arrival Airport', 'Arrival Station', 'To Station'],
  Gate: ['Gate Number', 'Boarding Gate'],
  Seat: ['Seat Number', 'Seat No'],
  'Boarding Time': ['Boarding', 'Boards', 'Boarding Starts'],
  'Booking Reference': [
    'Booking Ref',
    'PNR',
    'Confirmation',
    'Confirmation Number',
    'Booking Code',
    'Record Locator',
    'Reservation Number',
    'Booking Number',
    'Order Number',
    'Order No',
    'Reference',
  ],
  Operator: [
    'Carrier',
    'Railway',
    'Train Operator',
    'Company',
    'Issuer',
    'Organiser',
    'Organizer',
    'Promoter',
    'Vendor',
  ],
  Event: ['Event Name', 'Show', 'Performance', 'Title'],
  Venue: ['Location', 'Place', 'Venue Name'],
  'Ticket Number': ['Ticket No', 'Ticket #', 'Ticket ID', 'Ticket'],
  Class: ['Travel Class', 'Fare Class', 'Ticket Class', 'Coach Class'],
  Section: ['Block', 'Area', 'Stand'],
  Row: ['Row Number'],
  Subject: ['Re', 'Regarding', 'Subject Line', 'Title'],
  Reference: [
    'Our Reference',
    'Our Ref',
    'Your Reference',
    'Your Ref',
    'Ref',
    'Reference Number',
    'Case Number',
    'Case Reference',
    'Claim Number',
    'Policy Number',
    'Account Number',
  ],
  'Account Number': [
    'Account No',
    'Account #',
    'Acct No',
    'Customer Number',
    'Customer No',
    'Account',
    'Acct',
  ],
  'Bill Date': ['Statement Date', 'Date of Bill', 'Invoice Date', 'Date', 'Issue Date', 'Bill Issued'],
  'Form Type': ['Form', 'Form Name', 'Form Title', 'Type'],
};

const NUMBER_WORDS = new Set(['no', 'nr', 'num', 'n']);
const FILLER = new Set(['the', 'of', 'a', 'an', 'your', 'our']);

/** The words a key is compared by. */
export function keyWords(key: string): string {
  const first = key.split(/\s+\/\s+|\s*\/\s+|\s+\/\s*/)[0];
  return words(first.replace(/#/g, ' number '))
    .split(' ')
    .map((word) => (NUMBER_WORDS.has(word) ? 'number' : word))
    .filter((word) => word && !FILLER.has(word))
    .join(' ');
}

/** Every accepted name of a field, as `keyWords`. */
export function acceptedKeys(key: string, printed: readonly string[] = [], concept = key): Set<string> {
  return new Set([key, concept, ...printed, ...(KEY_SYNONYMS[concept] ?? [])].map(keyWords).filter(Boolean));
}

/** The answer's keys that name the field, best first: the field's own key, then printed labels, then synonyms. */
export function matchingKeys(
  answerKeys: readonly string[],
  key: string,
  printed: readonly string[] = [],
  concept = key,
): string[] {
  const ranked = [key, ...printed, concept, ...(KEY_SYNONYMS[concept] ?? [])].map(keyWords);
  return answerKeys
    .map((answerKey) => ({ answerKey, rank: ranked.indexOf(keyWords(answerKey)) }))
    .filter(({ rank }) => rank !== -1)
    .sort((a, b) => a.rank - b.rank)
    .map(({ answerKey }) => answerKey);
}
