/** Machine-readable zones (ICAO 9303) with valid check digits: TD3 (passports) and TD1 (ID cards). */

function charValue(char: string): number {
  if (char === '<') return 0;
  if (/[0-9]/.test(char)) return Number(char);
  return char.charCodeAt(0) - 55;
}

/** ICAO 9303 check digit: weights 7, 3, 1 repeating, sum modulo 10. */
export function checkDigit(text: string): string {
  let sum = 0;
  for (let i = 0; i < text.length; i++) sum += charValue(text[i]) * [7, 3, 1][i % 3];
  return String(sum % 10);
}

const fill = (text: string, length: number) => text.padEnd(length, '<').slice(0, length);

function mrzName(surname: string, given: string, length: number): string {
  const clean = (text: string) => text.toUpperCase().replace(/[^A-Z]+/g, '<');
  return fill(`${clean(surname)}<<${clean(given)}`, length);
}

/** `YYMMDD` of an ISO date. */
export function mrzDate(iso: string): string {
  return iso.slice(2, 4) + iso.slice(5, 7) + iso.slice(8, 10);
}

export interface MrzPerson {
  documentType: string;
  issuingState: string;
  surname: string;
  givenNames: string;
  documentNumber: string;
  nationality: string;
  birthDate: string;
  sex: 'M' | 'F';
  expiryDate: string;
  /** TD3's optional personal number (14 characters at most). */
  personalNumber?: string;
}

/** Two lines of 44 characters. */
export function td3(person: MrzPerson): [string, string] {
  const line1 = fill(
    `${fill(person.documentType, 2)}${fill(person.issuingState, 3)}${mrzName(person.surname, person.givenNames, 39)}`,
    44,
  );
  const number = fill(person.documentNumber, 9);
  const birth = mrzDate(person.birthDate);
  const expiry = mrzDate(person.expiryDate);
  const personal = fill(person.personalNumber ?? '', 14);
  const body = `${number}${checkDigit(number)}${fill(person.nationality, 3)}${birth}${checkDigit(birth)}${person.sex}${expiry}${checkDigit(expiry)}${personal}${checkDigit(personal)}`;
  const composite = checkDigit(body.slice(0, 10) + body.slice(13, 20) + body.slice(21, 43));
  return [line1, body + composite];
}

/** Three lines of 30 characters. */
export function td1(person: MrzPerson): [string, string, string] {
  const number = fill(person.documentNumber, 9);
  const line1 = fill(
    `${fill(person.documentType, 2)}${fill(person.issuingState, 3)}${number}${checkDigit(number)}`,
    30,
  );
  const birth = mrzDate(person.birthDate);
  const expiry = mrzDate(person.expiryDate);
  const line2Body = `${birth}${checkDigit(birth)}${person.sex}${expiry}${checkDigit(expiry)}${fill(person.nationality, 3)}${fill('', 11)}`;
  const composite = checkDigit(
    line1.slice(5, 30) + line2Body.slice(0, 7) + line2Body.slice(8, 15) + line2Body.slice(18, 29),
  );
  return [line1, line2Body + composite, mrzName(person.surname, person.givenNames, 30)];
}
