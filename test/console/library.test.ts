import { describe, expect, it } from 'vitest';
import type { TaskView } from '../../console/src/contract';
import {
  LibraryFileError,
  libraryFromTasks,
  mergeLibraries,
  parseFieldList,
  parseLibraryFile,
} from '../../console/src/library';
import { Library } from '../../lambdas/core/schemas/library';

const base = {
  priority: 'normal',
  createdAt: '2026-12-01T07:00:00.000Z',
  updatedAt: '2026-12-01T07:00:01.000Z',
} as const;

describe('the library the console sends with a form filling', () => {
  it('turns completed documents and forms into library items the API accepts', () => {
    const tasks: TaskView[] = [
      {
        ...base,
        taskId: 'doc-1',
        type: 'document',
        status: 'completed',
        result: { title: 'ID card', description: 'An ID.', tags: ['id'], kv: { Name: 'Jane Doe' } },
      },
      {
        ...base,
        taskId: 'form-1',
        type: 'form',
        status: 'completed',
        result: { title: 'Gym form', kv: { 'Form Type': 'Membership' }, fields: ['Email'] },
      },
      { ...base, taskId: 'pending-1', type: 'document', status: 'processing' },
      { ...base, taskId: 'fill-1', type: 'form_filling', status: 'completed', result: {} },
    ];
    const library = libraryFromTasks(tasks);
    expect(library).toEqual({
      docs: [
        {
          id: 'doc-1',
          name: 'ID card',
          description: 'An ID.',
          tags: ['id'],
          extractedInfo: { Name: 'Jane Doe' },
        },
      ],
      forms: [
        {
          id: 'form-1',
          name: 'Gym form',
          extractedInfo: { 'Form Type': 'Membership' },
          formFields: ['Email'],
        },
      ],
    });
    // The API's own schema takes it as it is.
    expect(Library.safeParse(library).success).toBe(true);
  });

  it('reads a library JSON file, and says what is wrong with a bad one', () => {
    const file = parseLibraryFile('{"docs":[{"id":"a","name":"Passport"}],"extra":1}');
    expect(file).toEqual({ docs: [{ id: 'a', name: 'Passport' }], forms: [], extra: 1 });
    expect(mergeLibraries(file, { docs: [{ id: 'b' }], forms: [] }).docs.map((d) => d.id)).toEqual([
      'a',
      'b',
    ]);
    for (const [text, message] of [
      ['{', 'not valid JSON'],
      ['[]', 'JSON object'],
      ['{"docs":{}}', 'must be lists'],
      ['{"docs":[{"name":"x"}]}', 'needs an "id"'],
    ]) {
      expect(() => parseLibraryFile(text as string)).toThrow(LibraryFileError);
      expect(() => parseLibraryFile(text as string)).toThrow(message as string);
    }
  });

  it('takes fields one per line, or pasted with commas or tabs, without blanks or repeats', () => {
    expect(parseFieldList('Full Name\n Email ,Phone\tEmail\n\n')).toEqual(['Full Name', 'Email', 'Phone']);
    expect(parseFieldList('  \n ')).toEqual([]);
  });
});
