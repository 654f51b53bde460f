import { describe, expect, it } from 'vitest';
import { readZone, zoneLine } from '../../../lambdas/adapters/rules/machine-readable-zone';

const today = new Date('2026-12-01T00:00:00Z');
// ICAO 9303's specimens: a TD3 passport and a TD1 card of Anna Maria Eriksson, valid check digits.
const TD3 = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'];
const TD1 = [
  'I<UTOD231458907<<<<<<<<<<<<<<<',
  '7408122F1204159UTO<<<<<<<<<<<6',
  'ERIKSSON<<ANNA<MARIA<<<<<<<<<<',
];
const ERIKSSON = {
  fullName: 'ANNA MARIA ERIKSSON',
  surname: 'ERIKSSON',
  givenNames: 'ANNA MARIA',
  dateOfBirth: 'Aug 12, 1974',
  expiryDate: 'Apr 15, 2012',
  sex: 'F',
  nationality: 'UTO',
};

describe('machine-readable zones', () => {
  it('reads a passport zone (TD3) among other rows, dates as MMM DD, YYYY', () => {
    expect(readZone(['PASSPORT', 'Surname', 'ERIKSSON', ...TD3], today)).toEqual({
      format: 'TD3',
      documentNumber: 'L898902C3',
      documentNumberCheckDigit: '6',
      issuingState: 'UTO',
      ...ERIKSSON,
    });
  });

  it('reads an ID card zone (TD1)', () => {
    expect(readZone(TD1, today)).toEqual({
      format: 'TD1',
      documentNumber: 'D23145890',
      documentNumberCheckDigit: '7',
      issuingState: 'UTO',
      ...ERIKSSON,
    });
  });

  it('repairs OCR slips with the check digits: fillers read as K, c, L; O for 0; a space; a character too many', () => {
    const slipped = [
      'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<KKK<cc<<LL<<',
      'L898902C36UTO74O8122F1204 159ZE184226B<<<<<<1O',
    ];
    expect(readZone(slipped, today)).toMatchObject({ documentNumber: 'L898902C3', ...ERIKSSON });
    const extra = ['I<UTOD2314580907<<<<<<<<<<<<<<<', TD1[1], 'ERIKSSON<<ANNA<MARIA<<<<<<LL<s'];
    // Dropping the 4 or the second 0 both keep the check digit: the number printed on the card decides.
    expect(readZone(extra, today, new Set(['D23145890']))).toMatchObject({
      documentNumber: 'D23145890',
      fullName: 'ANNA MARIA ERIKSSON',
      guessed: ['documentNumber'],
    });
  });

  it('reads a zone whose fillers OCR read as lower-case runs, and leaves a misread sex untold', () => {
    // A bad photo: spaces inside, `<<<` read as `ccccecacc`, the sex `F` read as `¢`, `8` as `B`, `0` as `O`.
    const zone = readZone(
      [
        'I<UTOD231458907 ccccecacceccce',
        '7408122¢ 12O4159UTO <<cecceccced6',
        'ERIKSSON<<ANNA<MARIA<<<<<<<<<<',
      ],
      today,
    );
    expect(zone).toMatchObject({
      documentNumber: 'D23145890',
      dateOfBirth: 'Aug 12, 1974',
      expiryDate: 'Apr 15, 2012',
      fullName: 'ANNA MARIA ERIKSSON',
    });
    expect(zone?.sex).toBeUndefined();
  });

  it('gives no document number its check digit does not confirm', () => {
    // A 7 read for the 0: no look-alike, so the number is left out rather than guessed.
    const zone = readZone([TD3[0], 'L898972C36UTO7408122F1204159ZE184226B<<<<<10'], today);
    expect(zone?.documentNumber).toBeUndefined();
    expect(zone?.dateOfBirth).toBe('Aug 12, 1974');
  });

  it('marks facts resting on a check digit taken as misread as guessed', () => {
    // The expiry's check digit read as 8: with 9 the expiry and the composite hold.
    const zone = readZone([TD1[0], '7408122F1204158UTO<<<<<<<<<<<6', TD1[2]], today);
    expect(zone).toMatchObject({ expiryDate: 'Apr 15, 2012', guessed: ['dateOfBirth', 'expiryDate'] });
  });

  it('realigns fields when OCR shortens filler runs: short rows, check digits back at the line end', () => {
    // A hard photo of a card: `<<<<<<<<<<<<<<<` read as `<`, the `5` of the number as `S`, `B` of BEL as `8`.
    expect(readZone(['IDBELBMSX947342<', '0007261F28122108EL<<', 'NOVAK<<PRIYA<'], today)).toEqual({
      format: 'TD1',
      documentNumber: 'BM5X94734',
      documentNumberCheckDigit: '2',
      dateOfBirth: 'Jul 26, 2000',
      expiryDate: 'Dec 21, 2028',
      sex: 'F',
      nationality: 'BEL',
      issuingState: 'BEL',
      fullName: 'PRIYA NOVAK',
      surname: 'NOVAK',
      givenNames: 'PRIYA',
    });
    // The composite check digit after a shortened run goes back to the end: the zone holds, nothing guessed.
    expect(readZone([TD1[0], '7408122F1204159UTO<<6', 'ERIKSSON<<ANNA<MARIA<<'], today)).toEqual({
      format: 'TD1',
      documentNumber: 'D23145890',
      documentNumberCheckDigit: '7',
      issuingState: 'UTO',
      ...ERIKSSON,
    });
  });

  it('reads a passport zone whose rows OCR shortened to an ID card line length', () => {
    // The expiry's 0 read as 8: its check digit fails and it is left out; the rest holds.
    const zone = readZone(['P<AUTTURNER<<DANIEL<', 'SK1B470139AUT7704237F3008841<<<'], today);
    expect(zone).toMatchObject({
      format: 'TD3',
      documentNumber: 'SK1B47013',
      dateOfBirth: 'Apr 23, 1977',
      fullName: 'DANIEL TURNER',
      nationality: 'AUT',
    });
    expect(zone?.expiryDate).toBeUndefined();
  });

  it('reads the dates and name of a card whose first zone line OCR lost, and no number or issuer', () => {
    expect(readZone(['7408122F1204159UTO<<<<6', 'ERIKSSON<<ANNA<MARIA<<<'], today)).toEqual({
      format: 'TD1',
      ...ERIKSSON,
    });
  });

  it('tells sex and nationality beside one date whose check digit holds on their line', () => {
    // The number's two 8s read as B, the birth date's 0 as 6: only the expiry (`280B02`, B for 8) holds.
    const zone = readZone(
      ['IDBELBABFB45128<<<', '5768275F280B026BEL<<<<', 'HADDAD<<OMAR<OMAR<<<<<<<'],
      today,
    );
    expect(zone).toMatchObject({
      expiryDate: 'Aug 02, 2028',
      sex: 'F',
      nationality: 'BEL',
      fullName: 'OMAR OMAR HADDAD',
    });
    expect(zone?.dateOfBirth).toBeUndefined();
    expect(zone?.documentNumber).toBeUndefined();
  });

  it('gives no shifted document number the page or the composite does not confirm', () => {
    // A stray `8` before the line and the 0 of the number read as 6: a dropped character keeps the number's
    // check digit by chance, the dates' hold wherever it was dropped.
    const rows = ['P<UTOMOREAU<<FELIX', '8 XU2D516929UT07212284M321 1027<'];
    const zone = readZone(rows, today);
    expect(zone).toMatchObject({
      dateOfBirth: 'Dec 28, 1972',
      expiryDate: 'Nov 02, 2032',
      fullName: 'FELIX MOREAU',
      sex: 'M',
    });
    expect(zone?.documentNumber).toBeUndefined();
  });

  it('tells no name from a name line no checked fact of its zone vouches for, nor one without `<<`', () => {
    // The dates line misread past repair, then the name line: no check digit holds.
    expect(readZone(['BOSA2B2F351POSIPRT<<', 'OKAFOR<<OSCAR<<<'], today)?.fullName).toBeUndefined();
    // The code line's number misread twice (`I` for `J`, `O` for `Q`): only a chance variant holds.
    const lost = readZone(['IDPRYIGO0096901<<<', 'TURNER<<GRALE<EMMA<<<<'], today);
    expect(lost?.fullName).toBeUndefined();
    expect(lost?.documentNumber).toBeUndefined();
    // Surname and given names run together with one filler: which is which is unknown.
    const passport = readZone(['P<BELPETROV<KENC<', 'XFOKS77121BEL6203227TM3404126<<OB R'], today);
    expect(passport?.dateOfBirth).toBe('Mar 22, 1962');
    expect(passport?.fullName).toBeUndefined();
    expect(passport?.surname).toBeUndefined();
  });

  it('finds no zone in ordinary text', () => {
    expect(readZone(['Given names', 'Surname', 'INVOICE <<2024>>'], today)).toBeUndefined();
    expect(zoneLine('Thank you for shopping with us')).toBeUndefined();
    // Lower-case words are no misread fillers without a filler read as one or a long run of them.
    expect(zoneLine('Sales Tax (20%)   15,34 EUR')).toBeUndefined();
    expect(zoneLine('Access scenes: 2 x 4 seats 12,50 EUR')).toBeUndefined();
    expect(zoneLine('OUR SUCCESSES 2024 IN REVIEW successes')).toBeUndefined();
    // A short row is a zone line only as one token of zone characters.
    expect(zoneLine('NOVAK<<PRIYA<')).toBe('NOVAK<<PRIYA<');
    expect(zoneLine('Ref <<A12>> total')).toBeUndefined();
    expect(zoneLine('AB<CD')).toBeUndefined();
    expect(readZone(['NOVAK<<PRIYA<', 'SMITH<<JOHN<<'], today)).toBeUndefined();
  });
});
