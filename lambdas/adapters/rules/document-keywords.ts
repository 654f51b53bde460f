/** Tags the offline extractor recognises, each with the words that give it away. */
const TAG_KEYWORDS: [tag: string, keywords: string[]][] = [
  ['invoice', ['invoice', 'amount due', 'bill to']],
  ['receipt', ['receipt', 'cashier', 'change due']],
  ['passport', ['passport']],
  [
    'licence',
    ['driver licence', 'driver license', "driver's license", 'driving licence', 'licence', 'license'],
  ],
  ['id card', ['identity card', 'id card', 'national id', 'identification card']],
  ['contract', ['contract', 'agreement', 'terms and conditions']],
  ['medical', ['medical', 'patient', 'diagnosis', 'prescription', 'hospital', 'clinic']],
  ['bank', ['bank', 'iban', 'account number', 'sort code']],
  ['tax', ['tax', 'vat', 'irs', 'hmrc']],
  ['insurance', ['insurance', 'insured', 'policy number', 'premium']],
  ['utility', ['electricity', 'utility', 'kwh', 'water bill', 'gas bill']],
  ['payslip', ['payslip', 'pay slip', 'gross pay', 'net pay', 'payroll']],
  ['travel', ['boarding pass', 'itinerary', 'flight', 'booking reference']],
  ['application', ['application']],
  ['certificate', ['certificate']],
];

/** Tags for identity documents, whose keys follow the canonical identity field names. */
export const IDENTITY_TAGS = new Set(['passport', 'licence', 'id card']);

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const TAG_PATTERNS = TAG_KEYWORDS.map(
  ([tag, keywords]) => [tag, new RegExp(`\\b(?:${keywords.map(escapeRegExp).join('|')})\\b`, 'i')] as const,
);

/** Tags whose keywords occur in the text, in order of first occurrence (the heading comes first). */
export function keywordTags(text: string): string[] {
  return TAG_PATTERNS.map(([tag, pattern]) => ({ tag, at: text.search(pattern) }))
    .filter(({ at }) => at !== -1)
    .sort((a, b) => a.at - b.at)
    .map(({ tag }) => tag);
}

/**
 * Who the name at the top of a document is, by the kind of document (a receipt's header is its merchant,
 * a letterhead its sender); undefined for identity documents, whose header is the issuing country.
 */
const HEADER_ROLES: [role: string | undefined, pattern: RegExp][] = [
  [undefined, /\b(passport|identity card|id card|national id|driving licen[cs]e|driver'?s? licen[cs]e)\b/i],
  ['Airline', /\b(boarding pass|boarding time|gate|flight)\b/i],
  ['Vendor', /\binvoice\b/i],
  ['Merchant', /\b(receipt|cashier|tender|change due|trans(action)? ?#|thank you for shopping)\b/i],
  ['Sender', /\b(yours sincerely|yours faithfully|kind regards|best regards|sincerely)\b/i],
  ['Provider', /\b(bill|statement|amount due|account (number|no)|charges)\b/i],
  ['Event', /\b(venue|doors|section|admission|stalls|balcony)\b/i],
  ['Operator', /\b(rail|railways?|trains?|platform|coach|carriage|travel ticket)\b/i],
  // Totals with nothing else to tell: a sale, most likely a receipt whose heading OCR lost.
  ['Merchant', /\b(sub-?total|total|amount|vat|qty)\b/i],
];

export function headerRole(text: string): string | undefined {
  for (const [role, pattern] of HEADER_ROLES) if (pattern.test(text)) return role;
  return 'Issuer';
}
