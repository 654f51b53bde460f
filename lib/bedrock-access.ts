import { Arn, ArnFormat, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { INFERENCE_PROFILE_ID } from '../lambdas/core/bedrock-models';

export interface BedrockModelResources {
  /** The inference profile the worker names in Converse, when the model id is one. */
  readonly inferenceProfileArn?: string;
  /** Foundation models the call may be served by. */
  readonly foundationModelArns: string[];
}

/**
 * The ARNs `bedrock:InvokeModel` needs for a Converse model id. A cross-region profile such as
 * `us.amazon.nova-lite-v1:0` needs the profile itself and the foundation model in every region it
 * routes to, so the model ARN takes any region (foundation-model ARNs carry no account).
 */
export function bedrockModelResources(scope: Construct, modelId: string): BedrockModelResources {
  const stack = Stack.of(scope);
  const profile = INFERENCE_PROFILE_ID.exec(modelId);
  const foundationModel = (region: string, id: string) =>
    Arn.format(
      {
        service: 'bedrock',
        region,
        account: '',
        resource: 'foundation-model',
        resourceName: id,
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      },
      stack,
    );
  if (!profile?.[2]) return { foundationModelArns: [foundationModel(stack.region, modelId)] };
  return {
    inferenceProfileArn: Arn.format(
      {
        service: 'bedrock',
        resource: 'inference-profile',
        resourceName: modelId,
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      },
      stack,
    ),
    foundationModelArns: [foundationModel('*', profile[2])],
  };
}

/** Converse calls InvokeModel under the hood; this allows it for the configured model only. */
export function bedrockInvokeStatement(scope: Construct, modelId: string): PolicyStatement {
  const { inferenceProfileArn, foundationModelArns } = bedrockModelResources(scope, modelId);
  return new PolicyStatement({
    sid: 'InvokeConfiguredBedrockModel',
    actions: ['bedrock:InvokeModel'],
    resources: [...(inferenceProfileArn ? [inferenceProfileArn] : []), ...foundationModelArns],
  });
}
