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

  it('finds no zone in ordinary text', () => {
    expect(readZone(['Given names', 'Surname', 'INVOICE <<2024>>'], today)).toBeUndefined();
    expect(zoneLine('Thank you for shopping with us')).toBeUndefined();
    // Lower-case words are no misread fillers without a filler read as one or a long run of them.
    expect(zoneLine('Sales Tax (20%)   15,34 EUR')).toBeUndefined();
    expect(zoneLine('Access scenes: 2 x 4 seats 12,50 EUR')).toBeUndefined();
    expect(zoneLine('OUR SUCCESSES 2024 IN REVIEW successes')).toBeUndefined();
  });
});
