import { App, Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BlobPrefix, COMPAT_OWNER_PREFIX, keysUnder } from '../../lambdas/core/shared-facts';
import { ROUTES, type RouteName, type RouteRow } from '../../lambdas/handlers/route-table';
import { bedrockModelResources } from '../../lib/bedrock-access';
import { HandlerFunction } from '../../lib/handler-function';
import { SYNTH_TIMEOUT_MS, type Synthesized, synthesize } from './synth';
import { type CfnJson, flatten, TemplateQueries } from './template-queries';

let synth: Synthesized;
let t: TemplateQueries;
let handlers: HandlerFunction[];
beforeAll(() => {
  synth = synthesize();
  t = new TemplateQueries(synth.stack, synth.template);
  handlers = synth.stack.node
    .findAll()
    .filter((node): node is HandlerFunction => node instanceof HandlerFunction);
}, SYNTH_TIMEOUT_MS);

const compat = () => {
  if (!synth.stack.compat) throw new Error('compat routes are on by default');
  return synth.stack.compat;
};
const compatFn = (name: 'compatProcess' | 'compatPublicKey') =>
  compat().functions.get(name) as HandlerFunction;

/** Every IAM statement of the stack with the role (logical id) it is attached to. */
function allStatements(): { role: string; statement: CfnJson }[] {
  const fromPolicies = Object.values(t.resources('AWS::IAM::Policy')).flatMap((policy) =>
    policy.Properties.Roles.flatMap((role: CfnJson) =>
      policy.Properties.PolicyDocument.Statement.map((statement: CfnJson) => ({ role: role.Ref, statement })),
    ),
  );
  const inline = Object.entries(t.resources('AWS::IAM::Role')).flatMap(([role, resource]) =>
    (resource.Properties.Policies ?? []).flatMap((policy: CfnJson) =>
      policy.PolicyDocument.Statement.map((statement: CfnJson) => ({ role, statement })),
    ),
  );
  return [...fromPolicies, ...inline];
}
const actionsOf = (statement: CfnJson): string[] => [statement.Action].flat();
const roleOf = (fn: IConstruct) => t.of(fn).Properties.Role['Fn::GetAtt'][0] as string;

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged', () => {
    const report = new AwsSolutionsChecks().validateScope(synth.stack);
    const findings = report.violations.map(
      (violation) =>
        `${violation.ruleName} at ${violation.violatingResources.map((r) => r.resourceLogicalId)}`,
    );
    expect(findings).toEqual([]);
  });

  it('has every acknowledgement on the resource it concerns, with its reason', () => {
    const acknowledgements = synth.stack.node.findAll().flatMap((node) =>
      node.node.metadata
        .filter((entry) => entry.type === 'aws:cdk:acknowledged-rules')
        .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
        .map(([id, reason]) => ({ at: node, id, reason })),
    );
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const { at, id, reason } of acknowledgements) {
      expect(at, `${id} acknowledged on the whole stack`).not.toBe(synth.stack);
      expect(reason.length, `${id} at ${at.node.path}`).toBeGreaterThan(40);
    }
  });
});

describe('least privilege', () => {
  it('allows Resource "*" only for Textract and X-Ray writes, which have no resource-level permissions', () => {
    const starStatements = allStatements().filter(({ statement }) =>
      [statement.Resource].flat().includes('*'),
    );
    const xray = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'];
    const byRole = (entries: { role: string; actions: string[] }[]) =>
      [...entries].sort((a, b) => `${a.role}${a.actions}`.localeCompare(`${b.role}${b.actions}`));
    expect(
      byRole(starStatements.map(({ role, statement }) => ({ role, actions: actionsOf(statement) }))),
    ).toEqual(
      byRole([
        { role: roleOf(synth.stack.taskProcessing.worker), actions: ['textract:DetectDocumentText'] },
        // Active tracing on every handler function: only writing its own trace segments.
        ...handlers.map((fn) => ({ role: roleOf(fn), actions: xray })),
      ]),
    );
  });

  it('gives Textract and Bedrock to the worker alone', () => {
    const paidActions = allStatements().filter(({ statement }) =>
      actionsOf(statement).some((action) => /^(textract|bedrock):/.test(action)),
    );
    expect(new Set(paidActions.map(({ role }) => role))).toEqual(
      new Set([roleOf(synth.stack.taskProcessing.worker)]),
    );
    for (const fn of [...synth.stack.api.functions.values(), ...compat().functions.values()]) {
      expect(
        t.allowedActions(fn).filter((action) => /^(textract|bedrock):/.test(action)),
        fn.node.path,
      ).toEqual([]);
    }
  });

  it('scopes bedrock:InvokeModel to the Nova Lite inference profile and the model it routes to', () => {
    const invoke = t
      .roleStatements(synth.stack.taskProcessing.worker)
      .filter((statement) => actionsOf(statement).includes('bedrock:InvokeModel'));
    expect(invoke).toHaveLength(1);
    expect(actionsOf(invoke[0])).toEqual(['bedrock:InvokeModel']);
    expect([invoke[0].Resource].flat().map(flatten)).toEqual([
      'arn:<AWS::Partition>:bedrock:<AWS::Region>:<AWS::AccountId>:inference-profile/us.amazon.nova-lite-v1:0',
      'arn:<AWS::Partition>:bedrock:*::foundation-model/amazon.nova-lite-v1:0',
    ]);
  });

  it('scopes a plain model id to that model in the stack region', () => {
    const stack = new Stack(new App(), 'Scratch', { env: { account: '111111111111', region: 'eu-west-1' } });
    const resources = bedrockModelResources(stack, 'amazon.nova-micro-v1:0');
    expect(resources.inferenceProfileArn).toBeUndefined();
    expect(resources.foundationModelArns.map((arn) => flatten(stack.resolve(arn)))).toEqual([
      'arn:<AWS::Partition>:bedrock:eu-west-1::foundation-model/amazon.nova-micro-v1:0',
    ]);
  });

  it('gives the health and check-status handlers no permissions but writing their traces', () => {
    const health = synth.stack.api.functions.get('health');
    const checkStatus = compat().functions.get('compatCheckStatus');
    for (const fn of [health, checkStatus]) {
      if (!fn) throw new Error('missing handler');
      expect(
        t.allowedActions(fn).filter((action) => !action.startsWith('xray:')),
        fn.node.path,
      ).toEqual([]);
    }
  });

  it('lets every handler that ends a task delete its blobs (the sweeper included), and a submission its upload', () => {
    const deletablePrefixes = (fn: IConstruct) =>
      t
        .roleStatements(fn)
        .filter((statement) => actionsOf(statement).some((action) => action.startsWith('s3:DeleteObject')))
        .flatMap((statement) => [statement.Resource].flat().map(flatten))
        .sort();
    const bucket = `<${t.id(synth.stack.storage.bucket)}.Arn>`;
    // endTask deletes a task's inputs (its images, uploads copied in included) and a late result.
    const taskBlobs = ['inputs/*', 'results/*'].map((prefix) => `${bucket}/${prefix}`);
    expect(deletablePrefixes(synth.stack.taskProcessing.sweeper)).toEqual(taskBlobs);
    expect(deletablePrefixes(synth.stack.taskProcessing.deadLetterHandler)).toEqual(taskBlobs);
    expect(deletablePrefixes(synth.stack.taskProcessing.worker)).toEqual(taskBlobs);
    // A submission deletes the upload it copied, and its copies when it is refused.
    const submit = synth.stack.api.functions.get('submitDocument');
    if (!submit) throw new Error('missing handler');
    expect(deletablePrefixes(submit)).toEqual(
      ['inputs/*', 'uploads/*'].map((prefix) => `${bucket}/${prefix}`),
    );
  });

  it('lets the worker bring the messages of both work queues back early (ChangeMessageVisibility)', () => {
    const worker = synth.stack.taskProcessing.worker;
    const queues = t
      .roleStatements(worker)
      .filter((statement) => actionsOf(statement).includes('sqs:ChangeMessageVisibility'))
      .flatMap((statement) => [statement.Resource].flat().map(flatten));
    expect(queues).toEqual(
      expect.arrayContaining(
        [synth.stack.queues.normal, synth.stack.queues.high].map((q) => flatten(t.arnOf(q))),
      ),
    );
  });

  it('lets DELETE /v1/tasks/{taskId} delete the task’s cache entries from the table', () => {
    const deleteTask = synth.stack.api.functions.get('deleteTask');
    if (!deleteTask) throw new Error('missing handler');
    const table = `<${t.id(synth.stack.storage.table)}.Arn>`;
    const onTable = t
      .roleStatements(deleteTask)
      .filter((statement) => [statement.Resource].flat().map(flatten).includes(table))
      .flatMap(actionsOf);
    expect(onTable).toEqual(
      expect.arrayContaining(['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem']),
    );
  });

  it('grants every route the table, bucket prefixes and queues its route-table row names, and no others', () => {
    const bucket = `<${t.id(synth.stack.storage.bucket)}.Arn>/`;
    const resourcesOf = (fn: IConstruct, action: string) =>
      t
        .roleStatements(fn)
        .filter((statement) => actionsOf(statement).some((candidate) => candidate.startsWith(action)))
        .flatMap((statement) => [statement.Resource].flat().map(flatten));
    const prefixes = (fn: IConstruct, action: string) =>
      resourcesOf(fn, action)
        .filter((resource) => resource.startsWith(bucket))
        .map((resource) => resource.slice(bucket.length))
        .sort();
    const queues = { normal: synth.stack.queues.normal, high: synth.stack.queues.high };
    for (const [name, row] of Object.entries(ROUTES) as [RouteName, RouteRow][]) {
      const fn = synth.stack.api.functions.get(name) ?? compat().functions.get(name);
      if (!fn) throw new Error(`no function for ${name}`);
      const granted = {
        read: prefixes(fn, 's3:GetObject'),
        write: prefixes(fn, 's3:PutObject'),
        delete: prefixes(fn, 's3:DeleteObject'),
        tableWrites: resourcesOf(fn, 'dynamodb:PutItem').length > 0,
        tableReads: resourcesOf(fn, 'dynamodb:GetItem').length > 0,
        sendsTo: resourcesOf(fn, 'sqs:SendMessage').sort(),
      };
      const { blobs, table, sendsTo } = row.uses;
      const owners = blobs?.owners === 'compat' ? COMPAT_OWNER_PREFIX : '';
      const keys = (prefixes: readonly BlobPrefix[] = []) =>
        prefixes.map((prefix) => keysUnder(prefix, owners)).sort();
      // A route that ends tasks also queues their webhook deliveries.
      const announces = 'taskEvents' in row.uses && row.uses.taskEvents === 'announce';
      expect(granted, name).toEqual({
        read: keys(blobs?.read),
        write: keys(blobs?.write),
        delete: keys(blobs?.delete),
        tableWrites: table === 'readWrite',
        tableReads: table !== undefined,
        sendsTo: [
          ...(sendsTo ?? []).map((priority) => flatten(t.arnOf(queues[priority]))),
          ...(announces ? [flatten(t.arnOf(synth.stack.webhooks.queue))] : []),
        ].sort(),
      });
    }
  });

  it('lets the upload handler only put objects under uploads/', () => {
    const createUpload = synth.stack.api.functions.get('createUpload');
    if (!createUpload) throw new Error('missing handler');
    const statements = t.roleStatements(createUpload);
    const s3 = statements.filter((statement) =>
      actionsOf(statement).some((action) => action.startsWith('s3:')),
    );
    expect(s3.flatMap((statement) => [statement.Resource].flat().map(flatten))).toEqual([
      `<${t.id(synth.stack.storage.bucket)}.Arn>/uploads/*`,
    ]);
    expect(statements.flatMap(actionsOf).some((action) => action.startsWith('dynamodb:'))).toBe(false);
  });
});

describe('S3 access, per function', () => {
  /** What each handler does with the bucket, read off its use cases: exact key patterns, no listing beyond them. */
  const EXPECTED: Record<string, { read?: string[]; write?: string[]; delete?: string[] }> = {
    createUpload: { write: ['uploads/*'] },
    // A submission copies each upload into the task's inputs and deletes it; a refused one deletes its copies.
    submitDocument: { read: ['uploads/*'], write: ['inputs/*'], delete: ['inputs/*', 'uploads/*'] },
    submitForm: { read: ['uploads/*'], write: ['inputs/*'], delete: ['inputs/*', 'uploads/*'] },
    submitFormFilling: { read: ['uploads/*'], write: ['inputs/*'], delete: ['inputs/*', 'uploads/*'] },
    getTask: { read: ['results/*'] },
    listTasks: { read: ['results/*'] },
    deleteTask: { delete: ['inputs/*', 'results/*'] },
    health: {},
    // The public DocuSnap Android routes reach only the keys of owners `compat:<client_id>`; /process ends a
    // job a poll times out (endTask): its inputs and any late result go.
    compatProcess: {
      read: ['results/compat%3A*'],
      write: ['inputs/compat%3A*'],
      delete: ['inputs/compat%3A*', 'results/compat%3A*'],
    },
    compatClear: { delete: ['inputs/compat%3A*', 'results/compat%3A*'] },
    compatCheckStatus: {},
    compatPublicKey: {},
    // Every image of a task is under its inputs, so the worker (and Textract, with its grant) reads no uploads.
    worker: { read: ['inputs/*'], write: ['results/*'], delete: ['inputs/*', 'results/*'] },
    deadLetter: { delete: ['inputs/*', 'results/*'] },
    sweeper: { delete: ['inputs/*', 'results/*'] },
    compatGenerateKey: {},
    createWebhook: {},
    listWebhooks: {},
    deleteWebhook: {},
    // A delivery carries the task view, a large result included.
    webhookDelivery: { read: ['results/*'] },
  };

  const functionNamed = (name: string): IConstruct => {
    const { api, taskProcessing } = synth.stack;
    const fn =
      api.functions.get(name as RouteName) ??
      compat().functions.get(name as RouteName) ??
      {
        worker: taskProcessing.worker,
        deadLetter: taskProcessing.deadLetterHandler,
        sweeper: taskProcessing.sweeper,
        compatGenerateKey: compat().keyGenerator,
        webhookDelivery: synth.stack.webhooks.delivery,
      }[name];
    if (!fn) throw new Error(`no function ${name}`);
    return fn;
  };
  const s3Statements = (fn: IConstruct) =>
    t
      .roleStatements(fn)
      .filter((statement) => actionsOf(statement).some((action) => action.startsWith('s3:')));

  it('covers every function of the stack', () => {
    expect(Object.keys(EXPECTED)).toHaveLength(handlers.length);
    expect(new Set(Object.keys(EXPECTED).map(functionNamed))).toEqual(new Set(handlers));
  });

  for (const [name, expected] of Object.entries(EXPECTED)) {
    it(`${name}: ${JSON.stringify(expected)}, nothing more`, () => {
      const bucket = `<${t.id(synth.stack.storage.bucket)}.Arn>`;
      const statements = s3Statements(functionNamed(name));
      const keysOf = (action: string) =>
        statements
          .filter((statement) => actionsOf(statement).includes(action))
          .flatMap((statement) => [statement.Resource].flat().map(flatten))
          .map((resource) => resource.replace(`${bucket}/`, ''))
          .sort();
      // Exact actions only: no s3:List*, s3:GetBucket*, s3:GetObject* or s3:DeleteObject* wildcards.
      expect([...new Set(statements.flatMap(actionsOf))].sort()).toEqual(
        [
          ...(expected.read ? ['s3:GetObject', 's3:ListBucket'] : []),
          ...(expected.write ? ['s3:PutObject'] : []),
          ...(expected.delete ? ['s3:DeleteObject'] : []),
        ].sort(),
      );
      expect(keysOf('s3:GetObject')).toEqual(expected.read ?? []);
      expect(keysOf('s3:PutObject')).toEqual(expected.write ?? []);
      expect(keysOf('s3:DeleteObject')).toEqual(expected.delete ?? []);
      // Listing, so that a missing key is told from a denied one, only under the keys it reads.
      const listing = statements.filter((statement) => actionsOf(statement).includes('s3:ListBucket'));
      for (const statement of listing) {
        expect(statement.Resource).toEqual(t.arnOf(synth.stack.storage.bucket));
        expect(statement.Condition).toEqual({ StringLike: { 's3:prefix': expected.read } });
      }
    });
  }

  it('lets no role list the whole bucket or read its settings', () => {
    const onTheBucket = allStatements().filter(({ statement }) =>
      [statement.Resource]
        .flat()
        .some((resource) => JSON.stringify(resource) === JSON.stringify(t.arnOf(synth.stack.storage.bucket))),
    );
    for (const { statement } of onTheBucket) {
      expect(actionsOf(statement)).toEqual(['s3:ListBucket']);
      expect(statement.Condition?.StringLike?.['s3:prefix']).toBeDefined();
    }
    expect(
      allStatements()
        .flatMap(({ statement }) => actionsOf(statement))
        .filter((action) => /^s3:.*\*/.test(action)),
    ).toEqual([]);
  });
});

describe('compat RSA key', () => {
  it('is readable by the /process handler alone', () => {
    const secretRef = { Ref: t.id(compat().privateKeySecret) };
    const readers = allStatements().filter(
      ({ statement }) =>
        actionsOf(statement).includes('secretsmanager:GetSecretValue') &&
        JSON.stringify(statement.Resource) === JSON.stringify(secretRef),
    );
    expect(readers.map(({ role }) => role)).toEqual([roleOf(compatFn('compatProcess'))]);
    const anySecretReader = allStatements().filter(({ statement }) =>
      actionsOf(statement).some((action) => /^secretsmanager:(GetSecretValue|\*)$/.test(action)),
    );
    expect(anySecretReader.map(({ role }) => role)).toEqual([roleOf(compatFn('compatProcess'))]);
    expect(
      t.of(compatFn('compatProcess')).Properties.Environment.Variables.DOCUSNAP_COMPAT_KEY_SECRET_ID,
    ).toEqual(secretRef);
  });

  it('is written by the deploy-time key generator', () => {
    const writes = t
      .roleStatements(compat().keyGenerator)
      .filter((statement) => actionsOf(statement).includes('secretsmanager:PutSecretValue'));
    expect(writes.map((statement) => statement.Resource)).toEqual([{ Ref: t.id(compat().privateKeySecret) }]);
  });

  it('never appears in the template: only the secret id goes in, only the public PEM comes out', () => {
    const json = JSON.stringify(t.template.toJSON());
    expect(json).not.toMatch(/PRIVATE KEY/);
    expect(t.of(compat().privateKeySecret).Properties.SecretString).toBeUndefined();
    const keyPair = t.of(compat().keyPair);
    expect(Object.keys(keyPair.Properties).sort()).toEqual(['SecretId', 'ServiceToken']);
    const attributesRead = [
      ...json.matchAll(new RegExp(`"Fn::GetAtt":\\["${t.id(compat().keyPair)}","([^"]+)"\\]`, 'g')),
    ];
    expect(new Set(attributesRead.map((match) => match[1]))).toEqual(new Set(['PublicKeyPem']));
    expect(JSON.stringify(t.template.toJSON().Outputs)).not.toContain(t.id(compat().keyPair));
  });

  it('reaches GET /public-key as an environment variable, never through the secret', () => {
    const publicKey = compatFn('compatPublicKey');
    const variables = t.of(publicKey).Properties.Environment.Variables;
    expect(variables.DOCUSNAP_COMPAT_PUBLIC_KEY).toEqual({
      'Fn::GetAtt': [t.id(compat().keyPair), 'PublicKeyPem'],
    });
    expect(variables.DOCUSNAP_COMPAT_KEY_SECRET_ID).toBeUndefined();
    // Nothing but writing its own traces (active tracing).
    expect(t.allowedActions(publicKey).filter((action) => !action.startsWith('xray:'))).toEqual([]);
  });

  it("wraps clients' AES keys with a KMS key that only /process and the worker may use", () => {
    const wrappingKeyArn = JSON.stringify(t.arnOf(compat().keyWrappingKey));
    const users = new Map<string, Set<string>>();
    for (const { role, statement } of allStatements()) {
      if (!JSON.stringify(statement.Resource).includes(wrappingKeyArn)) continue;
      for (const action of actionsOf(statement)) users.set(role, (users.get(role) ?? new Set()).add(action));
    }
    // The internet-facing /process only wraps keys: no Decrypt or ReEncrypt* that could recover a stored
    // client key (it reads its private key through Secrets Manager's kms:ViaService grant in the key policy).
    expect([...(users.get(roleOf(compatFn('compatProcess'))) ?? [])]).toEqual(['kms:Encrypt']);
    expect([...(users.get(roleOf(synth.stack.taskProcessing.worker)) ?? [])]).toEqual(['kms:Decrypt']);
    // Both only for clients' AES keys: the encryption context KmsKeyWrapper sends, which the secret's
    // ciphertext (encrypted by Secrets Manager under the same key) does not carry.
    for (const fn of [compatFn('compatProcess'), synth.stack.taskProcessing.worker]) {
      const onKey = t
        .roleStatements(fn)
        .filter((statement) => JSON.stringify(statement.Resource).includes(wrappingKeyArn));
      expect(onKey.length, fn.node.path).toBeGreaterThan(0);
      for (const statement of onKey) {
        expect(statement.Condition, fn.node.path).toEqual({
          StringEquals: { 'kms:EncryptionContext:purpose': 'docusnap-compat-client-key' },
        });
      }
    }
    // The key generator encrypts the secret it writes; nobody else touches the key.
    const others = [...users.keys()].filter(
      (role) =>
        ![compatFn('compatProcess'), synth.stack.taskProcessing.worker, compat().keyGenerator]
          .map(roleOf)
          .includes(role),
    );
    expect(others).toEqual([]);
  });

  it('lets /process send tasks to the normal queue only (compat jobs are never high priority)', () => {
    const sends = t
      .roleStatements(compatFn('compatProcess'))
      .filter((statement) => actionsOf(statement).includes('sqs:SendMessage'))
      .flatMap((statement) => [statement.Resource].flat());
    // Besides the webhook delivery queue: it ends jobs that timed out and announces them.
    expect(sends).toEqual([t.arnOf(synth.stack.queues.normal), t.arnOf(synth.stack.webhooks.queue)]);
  });

  it('gives every handler function its own role', () => {
    const roles = handlers.map(roleOf);
    expect(new Set(roles).size).toBe(handlers.length);
  });
});
