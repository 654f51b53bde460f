import { Aspects, type IAspect, Stack, Validations } from 'aws-cdk-lib';
import { CfnPolicy } from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { BLOB_PREFIXES, COMPAT_OWNER_PREFIX } from '../lambdas/core/shared-facts';

/** `compat%3A`, as the compat owners' keys begin under each prefix (a regular-expression literal). */
const COMPAT_OWNER_KEY_PREFIX = encodeURIComponent(COMPAT_OWNER_PREFIX).replace(
  /[.*+?^${}()|[\]\\]/g,
  '\\$&',
);

/**
 * Why each wildcard that a CDK grant method writes is acceptable. A wildcard not listed here stays
 * unacknowledged, so cdk-nag (and the infra tests) fail until someone states its reason.
 */
const GRANT_WILDCARD_REASONS: readonly { pattern: RegExp; reason: string }[] = [
  {
    pattern: /^Action::kms:(GenerateDataKey|ReEncrypt)\*$/,
    reason:
      'Grant on a KMS-encrypted resource: data-key operations on this stack’s own key only (resource is the key ARN).',
  },
  {
    pattern: new RegExp(`^Resource::<[A-Za-z0-9]+\\.Arn>/(${Object.values(BLOB_PREFIXES).join('|')})/\\*$`),
    reason:
      'Objects under one S3 prefix of docs/architecture.md that this handler works on (lib/blob-grants.ts: exact object actions); owners are path segments below it.',
  },
  {
    pattern: new RegExp(
      `^Resource::<[A-Za-z0-9]+\\.Arn>/(${Object.values(BLOB_PREFIXES).join('|')})/${COMPAT_OWNER_KEY_PREFIX}\\*$`,
    ),
    reason:
      'Objects of the DocuSnap Android clients (owners compat:<client_id>) under one S3 prefix: a compat handler reaches no v1 user’s keys.',
  },
  {
    pattern: /^Resource::<[A-Za-z0-9]+\.Arn>\/index\/\*$/,
    reason: 'The task table’s own GSIs (byOwner, byStatus).',
  },
];

/**
 * Acknowledges, at synthesis (after every grant is in place), the cdk-nag IAM5 findings of the grant
 * methods in this function's role policy, each with the reason from GRANT_WILDCARD_REASONS.
 */
export function acknowledgeGrantWildcards(scope: IConstruct): void {
  Aspects.of(scope).add(new GrantWildcardAcknowledger());
}

class GrantWildcardAcknowledger implements IAspect {
  visit(node: IConstruct): void {
    if (!(node instanceof CfnPolicy)) return;
    const document = Stack.of(node).resolve(node.policyDocument) as { Statement?: PolicyStatementJson[] };
    for (const finding of wildcardFindings(document.Statement ?? [])) {
      const known = GRANT_WILDCARD_REASONS.find(({ pattern }) => pattern.test(finding));
      if (known)
        Validations.of(node).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason: known.reason });
    }
  }
}

interface PolicyStatementJson {
  Action?: string | string[];
  Resource?: unknown;
}

/** The finding ids cdk-nag's IAM5 reports for these statements (`Action::…`, `Resource::…`). */
export function wildcardFindings(statements: readonly PolicyStatementJson[]): string[] {
  const findings = new Set<string>();
  for (const statement of statements) {
    for (const action of [statement.Action ?? []].flat()) {
      if (action.includes('*')) findings.add(`Action::${action}`);
    }
    for (const resource of [statement.Resource ?? []].flat()) {
      const rendered = renderForNag(resource);
      if (rendered.includes('*')) findings.add(`Resource::${rendered}`);
    }
  }
  return [...findings];
}

/** Renders a resolved CloudFormation value the way cdk-nag names it: `<LogicalId.Arn>`, `<AWS::Partition>`. */
function renderForNag(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const intrinsic = value as Record<string, unknown>;
    const join = intrinsic['Fn::Join'] as [string, unknown[]] | undefined;
    if (join) return join[1].map(renderForNag).join(join[0]);
    const getAtt = intrinsic['Fn::GetAtt'] as [string, string] | undefined;
    if (getAtt) return `<${getAtt[0]}.${getAtt[1]}>`;
    if (typeof intrinsic.Ref === 'string') return `<${intrinsic.Ref}>`;
  }
  return JSON.stringify(value);
}

/** The name cdk-nag gives a (possibly tokenized) ARN in finding ids such as `AwsSolutions-IAM5[Resource::…]`. */
export function nagResourceName(scope: IConstruct, arn: string): string {
  return renderForNag(Stack.of(scope).resolve(arn));
}
