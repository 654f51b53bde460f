import { describe, expect, it } from 'vitest';
import { RulesLlm } from '../../../lambdas/adapters/rules/rules-llm';
import { typesetLayout } from '../../../lambdas/core/layout';
import { layoutText } from '../../../lambdas/core/layout-text';
import type { StrategyContext } from '../../../lambdas/core/ports';
import type { Library } from '../../../lambdas/core/schemas/library';
import { DocumentResult, FormFillingResult, FormResult } from '../../../lambdas/core/schemas/results';
import { joinPages } from '../../../lambdas/core/strategies/ocr-text';
import { strategyFor } from '../../../lambdas/core/strategies/registry';
import { runStrategy } from '../../../lambdas/core/strategies/run-strategy';

const INVOICE = `ACME SUPPLIES LTD
12 Market Street, Springfield
INVOICE
Invoice No: INV-2024-0042      Date: 2024-03-05
Bill To: Jane Doe
Description            Qty   Amount
Printer paper A4        2    19.98
Subtotal: 19.98
VAT (20%): 4.00
Total Due: 23.98 EUR
Payment due by: 04/04/2024
Thank you for your business!`;

const ID_CARD = `REPUBLIC OF EXAMPLE
NATIONAL IDENTITY CARD
Surname / Nom: DOE
Given names: JANE MARIE
DOB: 14.07.1990
Sex: F
Nationality: EXAMPLIAN
Card No: X1234567
Date of expiry: 02 FEB 2031`;

const FORM = `EMPLOYMENT APPLICATION FORM
Position applied for: Warehouse Assistant
Full Name: ____________________
Date of Birth: ________   Phone Number: ________
Email:
Marital status: [ ] Single [ ] Married
☐ I agree to the terms
Signature .............   Date ..........`;

const library: Library = {
  docs: [
    {
      id: 'passport-1',
      name: 'Passport',
      extractedInfo: {
        'Full Name': 'Jane Marie Doe',
        'Last Name': 'Doe',
        'Date of Birth': 'Jul 14, 1990',
        'Document Number': 'P998877',
      },
    },
    { id: 'contract-9', name: 'Acme Supplies Contract', extractedInfo: { Supplier: 'Acme Supplies Ltd' } },
    { id: 'unrelated', name: 'Electricity Bill', extractedInfo: { Account: 'EL-555' } },
  ],
  forms: [{ id: 'gym-2', name: 'Gym Signup', formFields: [{ name: 'Mobile', value: '+1 555 0100' }] }],
};

const llm = new RulesLlm();

async function run(type: StrategyContext['type'], ocrText: string, fields?: string[]) {
  const outcome = await runStrategy(strategyFor(type), { type, ocrText, pages: [], library, fields }, llm);
  // The offline model answers in the contract's shape on its own: it never needs a repair and costs nothing.
  expect(outcome).toMatchObject({ repaired: false, inputTokens: 0, outputTokens: 0 });
  return outcome.result;
}

describe('RulesLlm', () => {
  it('is the offline "rules" model', () => {
    expect(llm.model).toBe('rules');
  });

  it('reads the layout text of a page: a value across a column gap, two pairs on one row', async () => {
    const pages = [
      typesetLayout(
        'CORNER CAFE RECEIPT\nReceipt No: R-10057              Date: 14/03/2024\nFlat white                      3.50\nTotal:                          8.25',
      ),
    ];
    const context: StrategyContext = { type: 'document', ocrText: layoutText(pages), pages, library };
    const result = DocumentResult.parse((await runStrategy(strategyFor('document'), context, llm)).result);
    expect(result.kv).toEqual({
      // The header names the merchant; the kind of document beside it is left out.
      Merchant: 'CORNER CAFE',
      'Receipt No': 'R-10057',
      Date: 'Mar 14, 2024',
      Total: '8.25',
    });
  });

  it('reads an invoice: heading title, keyword tags, labelled values, related library items', async () => {
    const result = DocumentResult.parse(await run('document', joinPages([INVOICE])));
    expect(result.title).toBe('Acme Supplies Ltd');
    expect(result.tags).toEqual(['invoice', 'tax']);
    expect(result.kv).toEqual({
      Vendor: 'ACME SUPPLIES LTD',
      'Invoice No': 'INV-2024-0042',
      Date: 'Mar 05, 2024',
      'Bill To': 'Jane Doe',
      Subtotal: '19.98',
      'VAT (20%)': '4.00',
      'Total Due': '23.98 EUR',
      // Day 04 / month 04: the same date read either way.
      'Payment due by': 'Apr 04, 2024',
    });
    expect(result.related).toEqual([{ type: 'doc', resource_id: 'contract-9' }]);
    expect(result.description).toMatch(
      /^This document appears to be an invoice, also about tax\. It lists 8/,
    );
  });

  it('reads an ID card with the canonical identity field names', async () => {
    const result = DocumentResult.parse(await run('document', joinPages([ID_CARD])));
    expect(result.tags).toEqual(['id card']);
    expect(result.title).toBe('Republic of Example');
    expect(result.kv).toMatchObject({
      'Full Name': 'JANE MARIE DOE',
      'Date of Birth': 'Jul 14, 1990',
      Sex: 'F',
      Nationality: 'EXAMPLIAN',
      'Document Number': 'X1234567',
      'Expiry Date': 'Feb 02, 2031',
    });
    expect(result.kv).not.toHaveProperty('DOB');
  });

  it('reads a form: pre-filled values in kv, blanks (underscores, boxes, dots, empty labels) in fields', async () => {
    const result = FormResult.parse(await run('form', joinPages([FORM])));
    expect(result.title).toBe('Employment Application Form');
    expect(result.kv).toEqual({
      'Form Type': 'Employment Application',
      'Position applied for': 'Warehouse Assistant',
    });
    expect(result.fields).toEqual([
      'Full Name',
      'Date of Birth',
      'Phone Number',
      'Email',
      'Marital status',
      'I agree to the terms',
      'Signature',
      'Date',
    ]);
    expect(result.tags).toEqual(['application']);
  });

  it('pads a one-word heading to a 3-word title from the next heading lines', async () => {
    const result = DocumentResult.parse(await run('document', 'RECEIPT\nCorner Bakery\nTotal: 4.50'));
    expect(result.title).toBe('Receipt Corner Bakery');
  });

  it('reads real tesseract output of the ID card fixture, titling it with the holder name', async () => {
    // What TesseractOcr reads from test/fixtures/id-card.jpg.
    const ocrText = `IDENTITY CARD\nName: John Smith\n\nDate of Birth: 07/04/1990\nID Number: X1234567\nNationality: Canadian\nExpiry Date: 2030-01-31`;
    const result = DocumentResult.parse(await run('document', joinPages([ocrText])));
    expect(result).toMatchObject({ title: 'Identity Card John Smith', tags: ['id card'] });
    expect(result.kv).toEqual({
      'Full Name': 'John Smith',
      // July 4 in the US, 7 April elsewhere: left as printed.
      'Date of Birth': '07/04/1990',
      'Document Number': 'X1234567',
      Nationality: 'Canadian',
      'Expiry Date': 'Jan 31, 2030',
    });
  });

  it('does not pad a title with a closing sentence', async () => {
    const ocrText =
      'INVOICE\nVendor: Acme Office Supplies\nTotal Amount: 149.90\nThank you for your business.';
    const result = DocumentResult.parse(await run('document', ocrText));
    expect(result.title).toBe('Invoice Acme Office Supplies');
  });

  it('fills form fields by similar names and synonyms, leaving out what the library lacks', async () => {
    const fields = ['Surname', 'D.O.B.', 'Phone', 'Passport Number', 'Blood Group', 'First Name'];
    const result = FormFillingResult.parse(await run('form_filling', '', fields));
    expect(result).toEqual({
      Surname: { value: 'Doe', source: { type: 'doc', resource_id: 'passport-1' } },
      'D.O.B.': { value: 'Jul 14, 1990', source: { type: 'doc', resource_id: 'passport-1' } },
      Phone: { value: '+1 555 0100', source: { type: 'form', resource_id: 'gym-2' } },
      'Passport Number': { value: 'P998877', source: { type: 'doc', resource_id: 'passport-1' } },
    });
  });

  it('fills by the synonym table, never from the wrong party and never without a source', async () => {
    const employment: Library = {
      docs: [
        // An employment letter: its Name is the employee's, not the employer's.
        { id: 'letter-1', name: 'Employer letter', tags: ['employer'], extractedInfo: { Name: 'Jane Doe' } },
        { id: 'payslip-4', name: 'Payslip', extractedInfo: { 'Current Employer': 'Acme Ltd', ZIP: '90210' } },
        { id: 'policy-7', name: 'Insurance policy', extractedInfo: { 'Policy Holder': 'Jane Doe' } },
        { id: 'statement-2', name: 'Bank statement', extractedInfo: { 'Account Name': 'Jane Doe' } },
        { id: 'passport-1', name: 'Passport', extractedInfo: { Citizenship: 'Irish', DOB: 'Jul 14, 1990' } },
      ],
      forms: [],
    };
    const fields = [
      'Employer Name',
      'Post Code',
      'Nationality',
      'Date of Birth',
      'Policyholder Name',
      'Account Holder Name',
      "Mother's Maiden Name",
    ];
    const type = 'form_filling' as const;
    const context = { type, ocrText: '', pages: [], library: employment, fields };
    const outcome = await runStrategy(strategyFor(type), context, llm);
    expect(FormFillingResult.parse(outcome.result)).toEqual({
      'Employer Name': { value: 'Acme Ltd', source: { type: 'doc', resource_id: 'payslip-4' } },
      'Post Code': { value: '90210', source: { type: 'doc', resource_id: 'payslip-4' } },
      Nationality: { value: 'Irish', source: { type: 'doc', resource_id: 'passport-1' } },
      'Date of Birth': { value: 'Jul 14, 1990', source: { type: 'doc', resource_id: 'passport-1' } },
      'Policyholder Name': { value: 'Jane Doe', source: { type: 'doc', resource_id: 'policy-7' } },
      'Account Holder Name': { value: 'Jane Doe', source: { type: 'doc', resource_id: 'statement-2' } },
    });
  });

  it('leaves "Employer Name" empty when the library knows only the employee’s name', async () => {
    const onlyEmployee: Library = {
      docs: [
        { id: 'letter-1', name: 'Employer letter', tags: ['employer'], extractedInfo: { Name: 'Jane Doe' } },
      ],
      forms: [],
    };
    const type = 'form_filling' as const;
    const context = {
      type,
      ocrText: '',
      pages: [],
      library: onlyEmployee,
      fields: ['Employer Name', 'Name'],
    };
    const outcome = await runStrategy(strategyFor(type), context, llm);
    expect(FormFillingResult.parse(outcome.result)).toEqual({
      Name: { value: 'Jane Doe', source: { type: 'doc', resource_id: 'letter-1' } },
    });
  });

  async function fill(library: Library, fields: string[]) {
    const type = 'form_filling' as const;
    const outcome = await runStrategy(
      strategyFor(type),
      { type, ocrText: '', pages: [], library, fields },
      llm,
    );
    return FormFillingResult.parse(outcome.result);
  }

  it("fills only from the library's own person: a colleague's ID card in it is never used", async () => {
    const withColleague: Library = {
      docs: [
        { id: 'passport-1', name: 'Passport', extractedInfo: { Surname: 'Doe', 'Given Names': 'Jane' } },
        {
          id: 'bill-2',
          name: 'Electricity Bill',
          extractedInfo: { 'Account Holder': 'Jane Doe', Town: 'Leeds' },
        },
        {
          id: 'colleague-3',
          name: 'ID Card',
          extractedInfo: {
            'Full Name': 'Max Roe',
            'Date of Birth': 'Feb 02, 1980',
            'Driving Licence Number': 'DL123456',
          },
        },
      ],
      forms: [],
    };
    expect(await fill(withColleague, ['Full Name', 'DOB', 'Driving Licence Number', 'City'])).toEqual({
      // Joined from the passport's given names and surname.
      'Full Name': { value: 'Jane Doe', source: { type: 'doc', resource_id: 'passport-1' } },
      City: { value: 'Leeds', source: { type: 'doc', resource_id: 'bill-2' } },
    });
  });

  it("takes only a value of the field's kind: a date field a date, an email field an email", async () => {
    const sloppy: Library = {
      docs: [
        {
          id: 'notes-1',
          name: 'Notes',
          extractedInfo: { 'Date of Birth': 'see page 2', Email: 'on file', Phone: 'ask reception' },
        },
        {
          id: 'form-2',
          name: 'Signup',
          extractedInfo: { 'E-mail': 'jane@example.com', Mobile: '+44 7700 900123' },
        },
      ],
      forms: [],
    };
    expect(await fill(sloppy, ['Date of Birth', 'Email Address', 'Telephone'])).toEqual({
      'Email Address': { value: 'jane@example.com', source: { type: 'doc', resource_id: 'form-2' } },
      Telephone: { value: '+44 7700 900123', source: { type: 'doc', resource_id: 'form-2' } },
    });
  });

  it('derives monthly from annual income and reads a field by its alternatives', async () => {
    const payslip: Library = {
      docs: [
        {
          id: 'payslip-1',
          name: 'Payslip',
          extractedInfo: { 'Gross Annual Pay': '54,000', Company: 'Acme Ltd', IBAN: 'NL91ABNA0417164300' },
        },
      ],
      forms: [],
    };
    const fields = ['Gross Monthly Income', 'Current Employer', 'Bank Account (IBAN)', 'Employer Contact'];
    expect(await fill(payslip, fields)).toEqual({
      'Gross Monthly Income': { value: '4,500.00', source: { type: 'doc', resource_id: 'payslip-1' } },
      'Current Employer': { value: 'Acme Ltd', source: { type: 'doc', resource_id: 'payslip-1' } },
      'Bank Account (IBAN)': {
        value: 'NL91ABNA0417164300',
        source: { type: 'doc', resource_id: 'payslip-1' },
      },
    });
  });

  it('answers form filling in the wrapped tool shape', async () => {
    const context: StrategyContext = {
      type: 'form_filling',
      ocrText: '',
      pages: [],
      library,
      fields: ['Date of Birth'],
    };
    const response = await llm.complete({
      strategy: 'form_filling',
      system: 'ignored',
      messages: [{ role: 'user', text: 'ignored' }],
      tool: { name: 'fill_form', description: '', inputSchema: { type: 'object' } },
      maxTokens: 100,
      context,
    });
    expect(response.output).toEqual({
      values: {
        'Date of Birth': { value: 'Jul 14, 1990', source: { type: 'doc', resource_id: 'passport-1' } },
      },
    });
  });

  it('still gives a valid result for an empty text', async () => {
    const result = DocumentResult.parse(await run('document', ''));
    expect(result).toMatchObject({
      title: 'Untitled Scanned Document',
      tags: ['document'],
      kv: {},
      related: [],
    });
  });
});
