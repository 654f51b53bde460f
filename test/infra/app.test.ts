import { Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { createDocusnapApp } from '../../lib/app';
import { SYNTH_TIMEOUT_MS, synthesize } from './synth';

/** An SQS queue with neither a dead-letter queue nor a TLS-only policy: AwsSolutions-SQS3 and SQS4. */
const addBareQueue = (acknowledged: boolean) => (stack: Parameters<typeof Validations.of>[0]) => {
  const queue = new Queue(stack, 'BareQueue', { encryption: QueueEncryption.SQS_MANAGED });
  if (acknowledged) {
    Validations.of(queue).acknowledge(
      { id: 'AwsSolutions-SQS3', reason: 'A test queue: it only proves that acknowledgements are honoured.' },
      { id: 'AwsSolutions-SQS4', reason: 'A test queue: it only proves that acknowledgements are honoured.' },
    );
  }
};

describe('the CDK app', () => {
  it('refuses to synthesize a Bedrock model whose output-token limit it does not know', () => {
    const unknownModel = { bedrockModelId: 'us.meta.llama3-3-70b-instruct-v1:0' };
    expect(() => createDocusnapApp({ context: unknownModel })).toThrow(/not in the model table/);
  });

  it(
    'runs cdk-nag AwsSolutions on synthesis: an unacknowledged finding fails it',
    () => {
      const synth = () => synthesize({}, { extend: addBareQueue(false) });
      expect(synth).toThrow(/AwsSolutions-SQS3/);
      expect(synth).toThrow(/AwsSolutions-SQS4/);
    },
    SYNTH_TIMEOUT_MS,
  );

  it(
    'synthesizes once the same finding is acknowledged on its resource',
    () => {
      expect(() => synthesize({}, { extend: addBareQueue(true) })).not.toThrow();
    },
    SYNTH_TIMEOUT_MS,
  );
});
