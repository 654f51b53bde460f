import { beforeAll, describe, expect, it } from 'vitest';
import { TASK_METRICS } from '../../lambdas/handlers/metric-names';
import { SYNTH_TIMEOUT_MS, type Synthesized, synthesize } from './synth';
import { type CfnJson, flatten, TemplateQueries } from './template-queries';

let synth: Synthesized;
let t: TemplateQueries;
beforeAll(() => {
  synth = synthesize({ alarmEmail: 'oncall@example.com' });
  t = new TemplateQueries(synth.stack, synth.template);
}, SYNTH_TIMEOUT_MS);

const alarms = () =>
  Object.values(t.resources('AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties as CfnJson);
const alarmOn = (namespace: string, metricName: string) =>
  alarms().filter((alarm) => alarm.Namespace === namespace && alarm.MetricName === metricName);
const dimension = (alarm: CfnJson, name: string) =>
  alarm.Dimensions.find((candidate: CfnJson) => candidate.Name === name)?.Value;

describe('alarms', () => {
  it('all notify the encrypted alarm topic, which e-mails the configured address', () => {
    const topic = { Ref: t.id(synth.stack.observability.alarmTopic) };
    expect(alarms().length).toBeGreaterThanOrEqual(8);
    for (const alarm of alarms()) {
      expect(alarm.AlarmActions, alarm.AlarmDescription).toEqual([topic]);
      expect(alarm.TreatMissingData).toBe('notBreaching');
    }
    expect(t.of(synth.stack.observability.alarmTopic).Properties.KmsMasterKeyId).toEqual(
      t.arnOf(synth.stack.storage.key),
    );
    t.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
      TopicArn: topic,
    });
  });

  it('let CloudWatch use the data key to publish to the encrypted topic', () => {
    const statements = t.of(synth.stack.storage.key).Properties.KeyPolicy.Statement as CfnJson[];
    expect(statements).toContainEqual(
      expect.objectContaining({
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      }),
    );
  });

  it('fire as soon as the dead-letter queue holds a message', () => {
    const [deadLetterDepth] = alarmOn('AWS/SQS', 'ApproximateNumberOfMessagesVisible').filter(
      (alarm) => dimension(alarm, 'QueueName')['Fn::GetAtt'][0] === t.id(synth.stack.queues.deadLetter),
    );
    expect(deadLetterDepth).toMatchObject({
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('watch the age of the oldest message on both task queues', () => {
    const watched = alarmOn('AWS/SQS', 'ApproximateAgeOfOldestMessage').map(
      (alarm) => dimension(alarm, 'QueueName')['Fn::GetAtt'][0],
    );
    expect(watched.sort()).toEqual([t.id(synth.stack.queues.high), t.id(synth.stack.queues.normal)].sort());
  });

  it('fire on the first worker error', () => {
    const workerErrors = alarmOn('AWS/Lambda', 'Errors').find(
      (alarm) => dimension(alarm, 'FunctionName').Ref === t.id(synth.stack.taskProcessing.worker),
    );
    expect(workerErrors).toMatchObject({ Threshold: 1, Statistic: 'Sum' });
  });

  it('watch Textract and Bedrock throttling of the configured model', () => {
    const [textract] = alarmOn('AWS/Textract', 'ThrottledCount');
    expect(dimension(textract, 'Operation')).toBe('DetectDocumentText');
    const [bedrock] = alarmOn('AWS/Bedrock', 'InvocationThrottles');
    expect(dimension(bedrock, 'ModelId')).toBe('us.amazon.nova-lite-v1:0');
  });

  it('watch the API 5xx rate as a percentage of requests', () => {
    const rate = alarms().find((alarm) =>
      alarm.Metrics?.some((metric: CfnJson) => /errors/.test(metric.Expression)),
    );
    expect(rate?.Threshold).toBe(5);
    const metricNames = rate?.Metrics.filter((metric: CfnJson) => metric.MetricStat).map(
      (metric: CfnJson) => metric.MetricStat.Metric.MetricName,
    );
    expect(metricNames.sort()).toEqual(['5xx', 'Count']);
  });
});

describe('dashboard', () => {
  const widgets = () =>
    JSON.parse(flatten(t.of(synth.stack.observability.dashboard).Properties.DashboardBody))
      .widgets as CfnJson[];
  const graphs = () =>
    widgets().map((widget) => ({
      title: widget.properties.title as string,
      series: JSON.stringify(widget.properties.metrics),
    }));
  const graph = (title: RegExp) => graphs().find((candidate) => title.test(candidate.title))?.series ?? '';

  it('shows tasks submitted, completed and failed, summed over task types', () => {
    for (const metric of [TASK_METRICS.submitted, TASK_METRICS.completed, TASK_METRICS.failed]) {
      expect(graph(/^Tasks$/)).toContain(
        `SUM(SEARCH('{DocuSnap,service,type} service=\\"docusnap\\" MetricName=\\"${metric}\\"'`,
      );
    }
  });

  it("shows processing latency as the worker's duration percentiles", () => {
    const latency = graph(/latency/i);
    expect(latency).toContain(
      `"AWS/Lambda","Duration","FunctionName","<${t.id(synth.stack.taskProcessing.worker)}>"`,
    );
    expect(latency).toContain('"stat":"p90"');
  });

  it('shows queue depth and age of every queue, throttles and estimated cost', () => {
    for (const queue of [synth.stack.queues.high, synth.stack.queues.normal, synth.stack.queues.deadLetter]) {
      const queueName = `<${t.id(queue)}.QueueName>`;
      expect(graph(/depth/i)).toContain(queueName);
      expect(graph(/age/i)).toContain(queueName);
    }
    expect(graph(/Throttles/)).toContain('ThrottledCount');
    expect(graph(/Throttles/)).toContain('InvocationThrottles');
    expect(graph(/Estimated cost \(USD per hour\)/)).toContain(TASK_METRICS.estimatedCost);
  });

  it('shows OCR pages, LLM tokens and cache hits, summed over task types', () => {
    const search = (metric: string) =>
      `SUM(SEARCH('{DocuSnap,service,type} service=\\"docusnap\\" MetricName=\\"${metric}\\"'`;
    for (const metric of [TASK_METRICS.ocrPages, TASK_METRICS.inputTokens, TASK_METRICS.outputTokens]) {
      expect(graph(/OCR pages and LLM tokens/)).toContain(search(metric));
    }
    expect(graph(/cache hits/i)).toContain(search(TASK_METRICS.cacheHits));
  });
});
