import { CfnElement, type Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON is untyped; the tests assert on its shape.
export type CfnJson = any;
export interface CfnResource {
  Type: string;
  Properties: CfnJson;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

/** Queries over a synthesized template, addressed by the constructs of the stack. */
export class TemplateQueries {
  constructor(
    readonly stack: Stack,
    readonly template: Template,
  ) {}

  resources(type: string): Record<string, CfnResource> {
    return this.template.findResources(type) as Record<string, CfnResource>;
  }

  /** The logical id of a construct's CloudFormation resource. */
  id(construct: IConstruct): string {
    const element = (construct instanceof CfnElement ? construct : construct.node.defaultChild) as CfnElement;
    return this.stack.resolve(element.logicalId);
  }

  /** The template entry of a construct's CloudFormation resource. */
  of(construct: IConstruct): CfnResource {
    const id = this.id(construct);
    const resource = (this.template.toJSON().Resources as Record<string, CfnResource>)[id];
    if (!resource) throw new Error(`${id} is not in the template`);
    return resource;
  }

  /** `{ "Fn::GetAtt": [id, "Arn"] }` of a construct. */
  arnOf(construct: IConstruct): CfnJson {
    return { 'Fn::GetAtt': [this.id(construct), 'Arn'] };
  }

  /** Every IAM statement attached to a function's execution role. */
  roleStatements(fn: IConstruct): CfnJson[] {
    const roleId = this.of(fn).Properties.Role?.['Fn::GetAtt']?.[0];
    if (!roleId) throw new Error(`${this.id(fn)} has no role of this stack`);
    return Object.values(this.resources('AWS::IAM::Policy'))
      .filter((policy) => policy.Properties.Roles.some((role: CfnJson) => role.Ref === roleId))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
  }

  /** Actions a function's role is allowed, flattened. */
  allowedActions(fn: IConstruct): string[] {
    return this.roleStatements(fn)
      .filter((statement) => statement.Effect === 'Allow')
      .flatMap((statement) => [statement.Action].flat());
  }

  /** Event-source mappings that feed a function. */
  eventSourcesOf(fn: IConstruct): CfnResource[] {
    return Object.values(this.resources('AWS::Lambda::EventSourceMapping')).filter(
      (mapping) => mapping.Properties.FunctionName?.Ref === this.id(fn),
    );
  }
}

/** A CloudFormation string value with its intrinsics spelled out: `arn:<AWS::Partition>:…`, `<Id.Arn>`. */
export function flatten(value: CfnJson): string {
  if (typeof value === 'string') return value;
  if (value?.['Fn::Join']) return value['Fn::Join'][1].map(flatten).join(value['Fn::Join'][0]);
  if (value?.Ref) return `<${value.Ref}>`;
  if (value?.['Fn::GetAtt']) return `<${value['Fn::GetAtt'].join('.')}>`;
  return JSON.stringify(value);
}
