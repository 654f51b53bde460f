import { CustomResource, Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Provider } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import {
  BACKGROUND_HANDLERS,
  type HandlerResources,
  type RouteName,
  type RouteRow,
} from '../lambdas/handlers/route-table';
import {
  type Api,
  routeFunctionId,
  routeFunctionProps,
  routesOf,
  type ThrottleLimits,
  validateThrottle,
} from './api';
import { grantClientKeyWrapping, grantHandlerResources } from './grants';
import { HandlerFunction, type HandlerFunctionDefaults } from './handler-function';
import { nagResourceName } from './nag-acknowledgements';
import type { TaskQueues } from './queues';
import type { Storage } from './storage';
import type { Webhooks } from './webhooks';

export interface CompatProtocolProps {
  readonly api: Api;
  readonly storage: Storage;
  readonly queues: TaskQueues;
  /** POST /process ends jobs that timed out and announces them. */
  readonly webhooks: Webhooks;
  readonly functionDefaults: HandlerFunctionDefaults;
  /** Per-route throttling of the unauthenticated compat routes. */
  readonly throttle: ThrottleLimits;
  readonly logRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The DocuSnap Android protocol: its RSA key pair (private half generated at deploy time straight into
 * Secrets Manager), the KMS key that wraps clients' AES keys, its four handlers and their routes.
 */
export class CompatProtocol extends Construct {
  /** Holds the RSA private key PEM; only the /process handler reads it. */
  readonly privateKeySecret: Secret;
  /** Wraps each client's AES key so it is never stored in plaintext. */
  readonly keyWrappingKey: Key;
  readonly keyPair: CustomResource;
  readonly keyGenerator: HandlerFunction;
  /** The compat route handlers by name. */
  readonly functions: ReadonlyMap<RouteName, HandlerFunction>;

  constructor(scope: Construct, id: string, props: CompatProtocolProps) {
    super(scope, id);
    validateThrottle('compat', props.throttle);

    this.keyWrappingKey = new Key(this, 'KeyWrappingKey', {
      description: 'DocuSnap compat: wraps the AES keys of DocuSnap Android clients and the RSA private key',
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
      pendingWindow: Duration.days(7),
    });
    this.privateKeySecret = new Secret(this, 'PrivateKey', {
      description: 'DocuSnap compat RSA-2048 private key (PEM), written by the deploy-time key generator',
      encryptionKey: this.keyWrappingKey,
      removalPolicy: props.removalPolicy,
    });
    Validations.of(this.privateKeySecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Every paired Android app holds the matching public key in its Settings; rotating would break them, so a new pair is a deliberate redeploy (docs/deploy.md).',
    });

    this.keyGenerator = new HandlerFunction(this, 'KeyGenerator', {
      handler: 'compatGenerateKey',
      defaults: props.functionDefaults,
      description: 'DocuSnap compat: generates the RSA key pair at deploy time',
      timeout: Duration.seconds(60),
    });
    grantHandlerResources(this.keyGenerator, BACKGROUND_HANDLERS.compatGenerateKey.uses, props);
    this.grantCompatKey(this.keyGenerator, BACKGROUND_HANDLERS.compatGenerateKey.uses);
    const provider = new Provider(this, 'KeyPairProvider', {
      onEventHandler: this.keyGenerator,
      logGroup: new LogGroup(this, 'KeyPairProviderLogs', {
        retention: props.logRetention,
        removalPolicy: props.removalPolicy,
      }),
    });
    acknowledgeProviderFramework(provider, this.keyGenerator);
    this.keyPair = new CustomResource(this, 'KeyPair', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::DocuSnapCompatKeyPair',
      // Only the secret's id goes in; only the public PEM comes back. The private key never transits CloudFormation.
      properties: { SecretId: this.privateKeySecret.secretArn },
    });
    const publicKeyPem = this.keyPair.getAttString('PublicKeyPem');

    const functions = new Map<RouteName, HandlerFunction>();
    for (const [name, row] of routesOf('compat')) {
      const fn = new HandlerFunction(this, routeFunctionId(name, row), {
        ...routeFunctionProps(name, row),
        defaults: props.functionDefaults,
        environment: this.compatKeyEnvironment(row, publicKeyPem),
      });
      grantHandlerResources(fn, row.uses, props);
      this.grantCompatKey(fn, row.uses);
      functions.set(name, fn);
      props.api.addRoute(row, fn);
      // Unauthenticated routes get their own, tighter limits on top of the stage's.
      props.api.throttleRoute(row, props.throttle);
    }
    this.functions = functions;
  }

  private compatKeyEnvironment(row: RouteRow, publicKeyPem: string): Record<string, string> {
    switch (row.uses.compatKey) {
      case 'private':
        return {
          DOCUSNAP_COMPAT_KEY_SECRET_ID: this.privateKeySecret.secretArn,
          DOCUSNAP_KMS_KEY_ID: this.keyWrappingKey.keyArn,
        };
      case 'public':
        // The public half comes from the key generator's output, so this handler never touches the secret.
        return { DOCUSNAP_COMPAT_PUBLIC_KEY: publicKeyPem };
      default:
        return {};
    }
  }

  /** The grants of a row's `compatKey`; `unwrap` is the worker's (lib/task-processing.ts). */
  private grantCompatKey(fn: HandlerFunction, uses: HandlerResources): void {
    switch (uses.compatKey) {
      case 'generate':
        this.privateKeySecret.grantWrite(fn);
        break;
      case 'private':
        // grantRead lets it decrypt the secret through Secrets Manager only. It wraps client keys and never
        // unwraps one: Encrypt alone (no Decrypt, no ReEncrypt*), so this public route cannot read stored keys.
        this.privateKeySecret.grantRead(fn);
        grantClientKeyWrapping(fn, this.keyWrappingKey, 'kms:Encrypt');
        break;
    }
  }
}

/** The Provider framework's own Lambda is aws-cdk-lib code we do not configure beyond its logs. */
function acknowledgeProviderFramework(provider: Provider, onEvent: HandlerFunction): void {
  const acknowledge = (id: string, reason: string) => Validations.of(provider).acknowledge({ id, reason });
  acknowledge(
    `AwsSolutions-IAM5[Resource::${nagResourceName(provider, onEvent.functionArn)}:*]`,
    'The framework may invoke any version of the key generator, and only that function.',
  );
  acknowledge(
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    'The custom-resource provider framework’s function only needs to write its own logs.',
  );
}
