import { CustomResource, Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { HttpMethod, HttpNoneAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { Key } from 'aws-cdk-lib/aws-kms';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Provider } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { type Api, type ThrottleLimits, validateThrottle } from './api';
import type { HandlerName } from './handler-entries';
import { HandlerFunction, type HandlerRuntimeSettings } from './handler-function';
import { acknowledgeGrantWildcards, nagResourceName } from './nag-acknowledgements';
import type { TaskQueues } from './queues';
import type { Storage } from './storage';

export interface CompatProtocolProps {
  readonly api: Api;
  readonly storage: Storage;
  readonly queues: TaskQueues;
  readonly functions: HandlerRuntimeSettings;
  /** Per-route throttling of the unauthenticated compat routes. */
  readonly throttle: ThrottleLimits;
  readonly logRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/** The compat routes (DESIGN §4), all unauthenticated by contract. */
const COMPAT_ROUTES: readonly { handler: HandlerName; method: HttpMethod; path: string }[] = [
  { handler: 'compatProcess', method: HttpMethod.POST, path: '/process' },
  { handler: 'compatClear', method: HttpMethod.POST, path: '/clear' },
  { handler: 'compatCheckStatus', method: HttpMethod.GET, path: '/check_status' },
  { handler: 'compatPublicKey', method: HttpMethod.GET, path: '/public-key' },
];

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
  readonly functions: ReadonlyMap<HandlerName, HandlerFunction>;

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
      settings: props.functions,
      description: 'DocuSnap compat: generates the RSA key pair at deploy time',
      timeout: Duration.seconds(60),
    });
    this.privateKeySecret.grantWrite(this.keyGenerator);
    acknowledgeGrantWildcards(this.keyGenerator);
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

    const functions = new Map<HandlerName, HandlerFunction>();
    for (const route of COMPAT_ROUTES) {
      const fn = this.createHandler(route.handler, props, publicKeyPem);
      functions.set(route.handler, fn);
      const created = props.api.addRoute(route, fn, new HttpNoneAuthorizer());
      // Route settings name the route, so the stage must come after it.
      props.api.cfnStage.node.addDependency(created);
    }
    this.functions = functions;

    // Unauthenticated routes get their own, tighter limits on top of the stage's.
    const cfnStage = props.api.cfnStage;
    cfnStage.routeSettings = Object.fromEntries(
      COMPAT_ROUTES.map((route) => [
        `${route.method} ${route.path}`,
        // A JSON property: CloudFormation's casing, not the L1's camelCase.
        { ThrottlingRateLimit: props.throttle.rateLimit, ThrottlingBurstLimit: props.throttle.burstLimit },
      ]),
    );
  }

  private createHandler(
    handler: HandlerName,
    props: CompatProtocolProps,
    publicKeyPem: string,
  ): HandlerFunction {
    const { bucket, table } = props.storage;
    switch (handler) {
      case 'compatProcess': {
        const fn = new HandlerFunction(this, 'Process', {
          handler,
          settings: props.functions,
          description: 'DocuSnap compat POST /process',
          memorySize: 512,
          timeout: Duration.seconds(9),
          environment: {
            DOCUSNAP_COMPAT_KEY_SECRET_ID: this.privateKeySecret.secretArn,
            DOCUSNAP_KMS_KEY_ID: this.keyWrappingKey.keyArn,
          },
        });
        // grantRead lets it decrypt the secret through Secrets Manager only. It wraps client keys and never
        // unwraps one: Encrypt alone (no Decrypt, no ReEncrypt*), so this public route cannot read stored keys.
        this.privateKeySecret.grantRead(fn);
        this.keyWrappingKey.grant(fn, 'kms:Encrypt');
        table.grantReadWriteData(fn);
        bucket.grantPut(fn, 'inputs/*');
        bucket.grantRead(fn, 'results/*');
        // A job a poll times out ends like every task (endTask): its inputs and any late result go.
        for (const prefix of ['inputs/*', 'results/*']) bucket.grantDelete(fn, prefix);
        // Compat jobs are always queued at normal priority.
        props.queues.normal.grantSendMessages(fn);
        acknowledgeGrantWildcards(fn);
        return fn;
      }
      case 'compatClear': {
        const fn = new HandlerFunction(this, 'Clear', {
          handler,
          settings: props.functions,
          description: 'DocuSnap compat POST /clear',
          timeout: Duration.seconds(9),
        });
        table.grantReadWriteData(fn);
        for (const prefix of ['inputs/*', 'results/*']) bucket.grantDelete(fn, prefix);
        acknowledgeGrantWildcards(fn);
        return fn;
      }
      case 'compatCheckStatus':
        return new HandlerFunction(this, 'CheckStatus', {
          handler,
          settings: props.functions,
          description: 'DocuSnap compat GET /check_status',
          timeout: Duration.seconds(5),
        });
      case 'compatPublicKey':
        return new HandlerFunction(this, 'PublicKey', {
          handler,
          settings: props.functions,
          description: 'DocuSnap compat GET /public-key',
          timeout: Duration.seconds(5),
          // The public half comes from the key generator's output, so this handler never touches the secret.
          environment: { DOCUSNAP_COMPAT_PUBLIC_KEY: publicKeyPem },
        });
      default:
        throw new Error(`${handler} is not a compat route handler`);
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
