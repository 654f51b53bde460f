/** Pools the generator draws from, and the printed forms of dates, amounts and times. */
import type { Random } from './random';

export const FIRST_NAMES = [
  'James',
  'Maria',
  'Liam',
  'Sofia',
  'Noah',
  'Emma',
  'Lucas',
  'Olivia',
  'Mateo',
  'Amelia',
  'Hugo',
  'Chloe',
  'Ethan',
  'Ava',
  'Daniel',
  'Grace',
  'Samuel',
  'Hannah',
  'Oscar',
  'Julia',
  'Felix',
  'Laura',
  'Adam',
  'Nora',
  'Victor',
  'Elena',
  'Peter',
  'Alice',
  'Omar',
  'Leila',
  'Kenji',
  'Priya',
];
export const LAST_NAMES = [
  'Smith',
  'Garcia',
  'Novak',
  'Fischer',
  'Rossi',
  'Dubois',
  'Jensen',
  'Kowalski',
  'Murphy',
  'Silva',
  'Bakker',
  'Weber',
  'Lindqvist',
  'Moreau',
  'Horvat',
  'Keller',
  'Brennan',
  'Costa',
  'Petrov',
  'Walsh',
  'Nakamura',
  'Okafor',
  'Haddad',
  'Sharma',
  'Larsen',
  'Marino',
  'Schmidt',
  'Turner',
  'Reyes',
  'Quinn',
];
export const COMPANY_WORDS = [
  'Northwind',
  'Bluebird',
  'Summit',
  'Harbor',
  'Evergreen',
  'Redwood',
  'Silverline',
  'Brightside',
  'Oakridge',
  'Pinecrest',
  'Lakeside',
  'Ironbridge',
  'Westfield',
  'Clearwater',
  'Goldleaf',
  'Stonegate',
  'Riverbend',
  'Highland',
  'Meadow',
  'Crescent',
];
export const COMPANY_SUFFIXES = [
  'Ltd',
  'GmbH',
  'Inc.',
  'LLC',
  'Supplies',
  'Trading Co.',
  '& Sons',
  'Solutions',
  'Group',
  'Services',
];
export const STORE_TYPES = [
  'Market',
  'Grocers',
  'Cafe',
  'Pharmacy',
  'Hardware',
  'Bakery',
  'Bookshop',
  'Deli',
  'Foods',
  'Kitchen',
];
export const STREETS = [
  'High Street',
  'Station Road',
  'Church Lane',
  'Market Square',
  'Mill Road',
  'Park Avenue',
  'King Street',
  'Queens Road',
  'Elm Grove',
  'Bridge Street',
  'Harbour Way',
  'Main Street',
];
export const CITIES = [
  'Leeds',
  'Bristol',
  'Utrecht',
  'Lyon',
  'Porto',
  'Graz',
  'Aarhus',
  'Gdansk',
  'Bologna',
  'Cork',
  'Ghent',
  'Basel',
  'Malmo',
  'Brno',
  'Seville',
];
export const COUNTRIES: { name: string; code: string; adjective: string }[] = [
  { name: 'Netherlands', code: 'NLD', adjective: 'Dutch' },
  { name: 'France', code: 'FRA', adjective: 'French' },
  { name: 'Belgium', code: 'BEL', adjective: 'Belgian' },
  { name: 'Ireland', code: 'IRL', adjective: 'Irish' },
  { name: 'Portugal', code: 'PRT', adjective: 'Portuguese' },
  { name: 'Sweden', code: 'SWE', adjective: 'Swedish' },
  { name: 'Austria', code: 'AUT', adjective: 'Austrian' },
  { name: 'Utopia', code: 'UTO', adjective: 'Utopian' },
];
export const ITEMS = [
  'Coffee beans 1kg',
  'Printer paper A4',
  'Oat milk',
  'USB-C cable',
  'Notebook',
  'Sourdough loaf',
  'Olive oil 500ml',
  'Batteries AA x4',
  'Desk lamp',
  'Green tea',
  'Stapler',
  'Apples 1kg',
  'Cheddar 200g',
  'Pasta 500g',
  'Toner cartridge',
  'Hand soap',
  'Envelopes C5',
  'Whiteboard pens',
  'Croissant',
  'Orange juice 1L',
];
export const AIRLINES = [
  { name: 'Skyway Airlines', code: 'SW' },
  { name: 'Nordic Air', code: 'NR' },
  { name: 'Atlantic Connect', code: 'AC' },
  { name: 'Alpine Jet', code: 'AJ' },
  { name: 'Coastal Airways', code: 'CW' },
];
export const AIRPORTS = ['LHR', 'AMS', 'CDG', 'FRA', 'DUB', 'LIS', 'ARN', 'VIE', 'MAD', 'CPH', 'ZRH', 'BCN'];
export const STATIONS = [
  'Leeds',
  'York',
  'London Kings Cross',
  'Edinburgh',
  'Utrecht Centraal',
  'Lyon Part-Dieu',
  'Basel SBB',
  'Ghent St-Pieters',
  'Bristol Temple Meads',
  'Brno Hlavni',
];
export const EVENTS = [
  'Spring Jazz Night',
  'City Symphony Gala',
  'Indie Rock Festival',
  'Comedy Evening',
  'Chamber Music Series',
  'Summer Theatre: Hamlet',
];
export const VENUES = [
  'Riverside Hall',
  'The Old Opera House',
  'Harbour Arena',
  'Civic Theatre',
  'Parkside Pavilion',
];
export const PROVIDERS = [
  'Brightside Energy',
  'Clearwater Utilities',
  'Northwind Telecom',
  'Summit Broadband',
  'Evergreen Gas & Power',
  'Lakeside Water',
];

export const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
export const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

export function randomDate(random: Random, fromYear: number, toYear: number): CalendarDate {
  const year = random.int(fromYear, toYear);
  const month = random.int(1, 12);
  const day = random.int(1, new Date(Date.UTC(year, month, 0)).getUTCDate());
  return { year, month, day };
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export function iso(date: CalendarDate): string {
  return `${date.year}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Ways dates are printed. Numeric day/month orders are only used where the day tells them apart. */
export const DATE_FORMATS = [
  'iso',
  'dmy-slash',
  'mdy-slash',
  'dmy-dot',
  'd-month-y',
  'month-d-y',
  'dd-mon-yyyy',
  'dd mon yyyy',
  'weekday-d-month-y',
  'wkd-mon-d-y',
  'mon-dd-yyyy',
] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

export function formatDate(date: CalendarDate, format: DateFormat): string {
  const { year, month, day } = date;
  const name = MONTH_NAMES[month - 1];
  const weekday = WEEKDAYS[new Date(Date.UTC(year, month - 1, day)).getUTCDay()];
  switch (format) {
    case 'iso':
      return iso(date);
    case 'dmy-slash':
      return `${pad(day)}/${pad(month)}/${year}`;
    case 'mdy-slash':
      return `${pad(month)}/${pad(day)}/${year}`;
    case 'dmy-dot':
      return `${pad(day)}.${pad(month)}.${year}`;
    case 'd-month-y':
      return `${day} ${name} ${year}`;
    case 'month-d-y':
      return `${name} ${day}, ${year}`;
    case 'dd-mon-yyyy':
      return `${pad(day)}-${name.slice(0, 3).toUpperCase()}-${year}`;
    case 'dd mon yyyy':
      return `${pad(day)} ${name.slice(0, 3).toUpperCase()} ${year}`;
    case 'weekday-d-month-y':
      return `${weekday}, ${day} ${name} ${year}`;
    case 'wkd-mon-d-y':
      return `${weekday.slice(0, 3)}, ${name.slice(0, 3)} ${day}, ${year}`;
    case 'mon-dd-yyyy':
      return `${name.slice(0, 3)} ${pad(day)}, ${year}`;
  }
}

/** A printed form of the date; numeric orders only when the day is above 12, so the order is evident. */
export function printDate(
  random: Random,
  date: CalendarDate,
  formats: readonly DateFormat[] = DATE_FORMATS,
): string {
  const usable = formats.filter(
    (format) => date.day > 12 || (format !== 'dmy-slash' && format !== 'mdy-slash'),
  );
  return formatDate(date, random.pick(usable.length > 0 ? usable : ['d-month-y']));
}

export interface Money {
  symbol: string;
  style: 'en' | 'eu';
}

export const CURRENCIES: Money[] = [
  { symbol: '$', style: 'en' },
  { symbol: '£', style: 'en' },
  { symbol: '€', style: 'eu' },
  { symbol: 'EUR', style: 'eu' },
  { symbol: 'USD', style: 'en' },
  { symbol: '', style: 'en' },
];

/** An amount printed in the currency's style: `$1,234.50`, `1.234,50 EUR`, `€ 12,00`. */
export function printAmount(cents: number, money: Money): string {
  const whole = Math.floor(Math.abs(cents) / 100);
  const fraction = pad(Math.abs(cents) % 100);
  const thousands = money.style === 'eu' ? '.' : ',';
  const grouped = String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, thousands);
  const number = `${cents < 0 ? '-' : ''}${grouped}${money.style === 'eu' ? ',' : '.'}${fraction}`;
  if (!money.symbol) return number;
  if (money.symbol.length === 3)
    return money.style === 'eu' ? `${number} ${money.symbol}` : `${money.symbol} ${number}`;
  return money.style === 'eu' ? `${money.symbol} ${number}` : `${money.symbol}${number}`;
}

export const amountValue = (cents: number) => (cents / 100).toFixed(2);

export function printTime(random: Random, hours: number, minutes: number): string {
  if (random.chance(0.3)) {
    const h = hours % 12 === 0 ? 12 : hours % 12;
    return `${h}:${pad(minutes)} ${hours < 12 ? 'AM' : 'PM'}`;
  }
  return `${pad(hours)}:${pad(minutes)}`;
}

export const timeValue = (hours: number, minutes: number) => `${pad(hours)}:${pad(minutes)}`;

export interface Person {
  first: string;
  last: string;
}

export function randomPerson(random: Random): Person {
  return { first: random.pick(FIRST_NAMES), last: random.pick(LAST_NAMES) };
}

export function randomCompany(random: Random): string {
  return `${random.pick(COMPANY_WORDS)} ${random.pick(COMPANY_SUFFIXES)}`;
}

export function randomAddress(random: Random): { street: string; city: string; postcode: string } {
  return {
    street: `${random.int(1, 240)} ${random.pick(STREETS)}`,
    city: random.pick(CITIES),
    postcode: random.chance(0.5)
      ? `${random.int(1000, 9999)} ${random.letters(2)}`
      : `${random.int(10000, 99999)}`,
  };
}
