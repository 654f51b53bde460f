/** ICAO 9303 check digit of a machine-readable zone field: weights 7, 3, 1 over digits, letters (A = 10) and fillers (0). */
export function icaoCheckDigit(field: string): string {
  let sum = 0;
  for (let i = 0; i < field.length; i++) {
    const char = field[i];
    const value = char === '<' ? 0 : /\d/.test(char) ? Number(char) : char.charCodeAt(0) - 55;
    sum += value * [7, 3, 1][i % 3];
  }
  return String(sum % 10);
}
