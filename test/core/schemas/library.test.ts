import { describe, expect, it } from 'vitest';
import { Library } from '../../../lambdas/core/schemas/library';
import { summariseLibrary } from '../../../lambdas/core/strategies/library-summary';

/** As the original server's own web test page sends `file_lib` (DESIGN §4). */
const webPageLibrary = {
  doc: [
    {
      id: 'doc-9',
      title: 'Passport',
      tags: ['identity'],
      description: 'My passport',
      kv: { 'Full Name': 'Jane Doe' },
      uploadDate: '2026-02-01',
    },
  ],
  form: [{ id: 'form-3', title: 'Visa application', kv: { Nationality: 'Irish' }, fields: ['Signature'] }],
};

describe('Library: both shapes of DESIGN §4', () => {
  it('reads the web test page’s doc/form, kv, title and fields as docs/forms, extractedInfo, name, formFields', () => {
    expect(Library.parse(webPageLibrary)).toEqual({
      docs: [
        {
          id: 'doc-9',
          name: 'Passport',
          tags: ['identity'],
          description: 'My passport',
          extractedInfo: { 'Full Name': 'Jane Doe' },
          uploadDate: '2026-02-01',
        },
      ],
      forms: [
        {
          id: 'form-3',
          name: 'Visa application',
          extractedInfo: { Nationality: 'Irish' },
          formFields: ['Signature'],
        },
      ],
    });
  });

  it('keeps the app’s own shape as sent, and its own names win over the other shape’s', () => {
    const appLibrary = {
      docs: [
        { id: 'd1', name: 'Licence', extractedInfo: { Name: 'Jane' }, kv: { Name: 'Other' }, title: 'T' },
      ],
      forms: [],
      version: 3,
    };
    expect(Library.parse(appLibrary)).toEqual(appLibrary);
  });

  it('reads both lists when a library carries both shapes', () => {
    const parsed = Library.parse({ docs: [{ id: 'd1' }], doc: [{ id: 'd2', kv: { A: '1' } }] });
    expect(parsed.docs.map((item) => item.id)).toEqual(['d1', 'd2']);
    expect(parsed.docs[1]?.extractedInfo).toEqual({ A: '1' });
  });

  it('refuses an item of the web page’s shape without an id, as it would the app’s', () => {
    expect(Library.safeParse({ doc: [{ title: 'No id' }] }).success).toBe(false);
  });

  it('gives the model prompts the web page’s values and names', () => {
    const summary = summariseLibrary(Library.parse(webPageLibrary), 4000);
    expect(summary).toContain('Jane Doe');
    expect(summary).toContain('Passport');
    expect(summary).toContain('Irish');
  });
});
