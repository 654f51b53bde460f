import { beforeAll, describe, expect, it } from 'vitest';
import { LONG_POLL_TIMEOUT_SECONDS } from '../../lambdas/handlers/route-table';
import { SYNTH_TIMEOUT_MS, synthesize } from './synth';
import { type CfnJson, flatten, TemplateQueries } from './template-queries';

let t: TemplateQueries;
let stack: ReturnType<typeof synthesize>['stack'];
beforeAll(() => {
  const synth = synthesize();
  stack = synth.stack;
  t = new TemplateQueries(synth.stack, synth.template);
}, SYNTH_TIMEOUT_MS);

const allFunctions = () => [
  ...stack.api.functions.values(),
  stack.taskProcessing.worker,
  stack.taskProcessing.deadLetterHandler,
  stack.taskProcessing.sweeper,
  stack.webhooks.delivery,
  ...(stack.compat ? [...stack.compat.functions.values(), stack.compat.keyGenerator] : []),
];
const statementsWith = (fn: Parameters<TemplateQueries['roleStatements']>[0], action: string) =>
  t.roleStatements(fn).filter((statement: CfnJson) => [statement.Action].flat().includes(action));

describe('webhook infrastructure', () => {
  it('feeds the delivery function from its KMS-encrypted queue, reporting failed items, with a dead-letter queue', () => {
    const [mapping, ...others] = t.eventSourcesOf(stack.webhooks.delivery);
    expect(others).toEqual([]);
    expect(mapping?.Properties).toMatchObject({
      EventSourceArn: t.arnOf(stack.webhooks.queue),
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const queue = t.of(stack.webhooks.queue).Properties;
    expect(queue.KmsMasterKeyId).toEqual(t.arnOf(stack.storage.key));
    expect(t.of(stack.webhooks.deadLetter).Properties.KmsMasterKeyId).toEqual(t.arnOf(stack.storage.key));
    // Past the 7 attempts, so the handler records a delivery given up; only crashes reach the DLQ.
    expect(queue.RedrivePolicy).toEqual({
      deadLetterTargetArn: t.arnOf(stack.webhooks.deadLetter),
      maxReceiveCount: 10,
    });
    // The whole retry schedule (~6 h 50 min) fits in the message retention.
    expect(queue.MessageRetentionPeriod).toBeGreaterThan(7 * 3600);
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(
      6 * t.of(stack.webhooks.delivery).Properties.Timeout,
    );
  });

  it('lets exactly the functions that end tasks put events, on the default bus only', () => {
    // The worker, dead-letter handler and sweeper, and compat POST /process (it ends jobs that timed out).
    const announcers = [
      stack.taskProcessing.worker,
      stack.taskProcessing.deadLetterHandler,
      stack.taskProcessing.sweeper,
      stack.compat?.functions.get('compatProcess'),
    ];
    for (const fn of allFunctions()) {
      const puts = statementsWith(fn, 'events:PutEvents');
      if (!announcers.includes(fn)) {
        expect(puts).toEqual([]);
        continue;
      }
      expect(puts.map((statement: CfnJson) => flatten(statement.Resource))).toEqual([
        'arn:<AWS::Partition>:events:<AWS::Region>:<AWS::AccountId>:event-bus/default',
      ]);
      expect(
        statementsWith(fn, 'sqs:SendMessage').map((statement: CfnJson) => statement.Resource),
      ).toContainEqual(t.arnOf(stack.webhooks.queue));
      expect(t.of(fn).Properties.Environment.Variables).toMatchObject({
        DOCUSNAP_EVENT_BUS: 'default',
        DOCUSNAP_WEBHOOK_QUEUE_URL: { Ref: t.id(stack.webhooks.queue) },
      });
    }
  });

  it('lets only registration wrap and only delivery unwrap webhook secrets, for their purpose only', () => {
    const secretsKey = t.arnOf(stack.webhooks.secretsKey);
    const onKey = (fn: Parameters<TemplateQueries['roleStatements']>[0]) =>
      t
        .roleStatements(fn)
        .filter((statement: CfnJson) => JSON.stringify(statement.Resource) === JSON.stringify(secretsKey));
    const createWebhook = stack.api.functions.get('createWebhook');
    if (!createWebhook) throw new Error('no createWebhook function');
    const purpose = { StringEquals: { 'kms:EncryptionContext:purpose': 'docusnap-webhook-secret' } };
    expect(onKey(createWebhook)).toEqual([
      expect.objectContaining({ Action: 'kms:Encrypt', Condition: purpose }),
    ]);
    expect(onKey(stack.webhooks.delivery)).toEqual([
      expect.objectContaining({ Action: 'kms:Decrypt', Condition: purpose }),
    ]);
    for (const fn of allFunctions().filter((fn) => fn !== createWebhook && fn !== stack.webhooks.delivery)) {
      expect(onKey(fn)).toEqual([]);
    }
    expect(t.of(stack.webhooks.secretsKey).Properties.EnableKeyRotation).toBe(true);
  });

  it('gives GET /v1/tasks/{taskId} room for a 20 s long poll inside API Gateway’s 29 s', () => {
    const getTask = stack.api.functions.get('getTask');
    if (!getTask) throw new Error('no getTask function');
    expect(t.of(getTask).Properties.Timeout).toBe(LONG_POLL_TIMEOUT_SECONDS);
    expect(LONG_POLL_TIMEOUT_SECONDS).toBeGreaterThan(20);
    expect(LONG_POLL_TIMEOUT_SECONDS).toBeLessThan(29);
  });

  it('routes the three webhook endpoints behind the JWT authorizer', () => {
    const routes = Object.values(t.resources('AWS::ApiGatewayV2::Route')).map((route) => route.Properties);
    for (const key of ['POST /v1/webhooks', 'GET /v1/webhooks', 'DELETE /v1/webhooks/{webhookId}']) {
      expect(routes.find((route) => route.RouteKey === key)).toMatchObject({ AuthorizationType: 'JWT' });
    }
  });

  it('alarms on deliveries given up and on dead deliveries, to the alarm topic', () => {
    const alarms = Object.values(t.resources('AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties);
    const topic = { Ref: t.id(stack.observability.alarmTopic) };
    const givenUp = alarms.find((alarm) => alarm.MetricName === 'WebhooksGivenUp');
    expect(givenUp).toMatchObject({ Namespace: 'DocuSnap', Threshold: 1, AlarmActions: [topic] });
    const dead = alarms.find(
      (alarm) =>
        alarm.MetricName === 'ApproximateNumberOfMessagesVisible' &&
        JSON.stringify(alarm.Dimensions).includes(t.id(stack.webhooks.deadLetter)),
    );
    expect(dead).toMatchObject({ Threshold: 1, AlarmActions: [topic] });
  });
});
