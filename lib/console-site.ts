import { Aws, Duration, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { buildConsoleSync, type ConsoleFiles } from '../console/build';
import { CONFIG_FILE, type ConsoleConfig } from '../console/src/config';
import type { Api } from './api';
import { nagResourceName } from './nag-acknowledgements';

export interface ConsoleSiteProps {
  /** The API the page calls and the user pool it signs in with. */
  readonly api: Api;
  /** Where presigned uploads go: the page posts files there. */
  readonly uploadsBucket: IBucket;
  readonly removalPolicy: RemovalPolicy;
  /** @default the page built from console/ with esbuild at synth */
  readonly files?: ConsoleFiles;
}

/**
 * The web console (DESIGN §3.4) as static files: a private bucket behind CloudFront (origin access
 * control), strict security headers, and `config.json` written beside the page at deploy time with the
 * API URL and the user pool ids, so the page itself is the same build for every stage. Sign-in is
 * Cognito's USER_PASSWORD_AUTH against the app client the API already accepts.
 */
export class ConsoleSite extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  readonly responseHeadersPolicy: ResponseHeadersPolicy;
  readonly deployment: BucketDeployment;

  constructor(scope: Construct, id: string, props: ConsoleSiteProps) {
    super(scope, id);
    const files = props.files ?? buildConsoleSync();
    for (const name of ['index.html', 'app.js', 'app.css']) {
      if (!files.get(name)) throw new Error(`the console build has no ${name}`);
    }

    this.bucket = new Bucket(this, 'Files', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: props.removalPolicy,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Three public, static files of the console, read only through CloudFront; server access logs would record nothing worth keeping.',
    });

    this.responseHeadersPolicy = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'DocuSnap console: the page may load only itself and call only the API, Cognito and uploads',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: consoleCsp(props.uploadsBucket), override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });

    const origin = S3BucketOrigin.withOriginAccessControl(this.bucket);
    const behaviour = {
      origin,
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
      responseHeadersPolicy: this.responseHeadersPolicy,
    };
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'DocuSnap console',
      defaultRootObject: 'index.html',
      defaultBehavior: { ...behaviour, cachePolicy: CachePolicy.CACHING_OPTIMIZED },
      // The config file names the API and pool of this stage: never served stale after a deploy.
      additionalBehaviors: {
        [`/${CONFIG_FILE}`]: { ...behaviour, cachePolicy: CachePolicy.CACHING_DISABLED },
      },
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
    });
    const distributionAcknowledgements: Record<string, string> = {
      'AwsSolutions-CFR1':
        'The console is for the API’s own users wherever they are; the API behind it needs a Cognito sign-in.',
      'AwsSolutions-CFR2':
        'Static files only (no forms, no server code behind CloudFront); the API has its own throttling, and a WAF web ACL costs more than the whole idle stack.',
      'AwsSolutions-CFR3':
        'Standard logs of three static files add a log bucket and cost and show nothing the API access logs do not.',
      'AwsSolutions-CFR4':
        'The default *.cloudfront.net certificate: CloudFront then negotiates TLS 1.2+ with modern browsers but the policy cannot be pinned without a custom domain.',
    };
    for (const [ruleId, reason] of Object.entries(distributionAcknowledgements)) {
      Validations.of(this.distribution).acknowledge({ id: ruleId, reason });
    }

    props.api.allowBrowserOrigin(`https://${this.distribution.distributionDomainName}`);

    const config: ConsoleConfig = {
      apiUrl: props.api.url,
      auth: {
        kind: 'cognito',
        region: Aws.REGION,
        userPoolId: props.api.userPool.userPoolId,
        clientId: props.api.userPoolClient.userPoolClientId,
      },
    };
    const file = (name: string) => files.get(name)?.body as string;
    this.deployment = new BucketDeployment(this, 'Deploy', {
      destinationBucket: this.bucket,
      sources: [
        Source.data('index.html', file('index.html')),
        Source.data('app.js', file('app.js')),
        Source.data('app.css', file('app.css')),
        Source.jsonData(CONFIG_FILE, config),
      ],
      // Names are not content-hashed: browsers revalidate, and the deployment invalidates CloudFront.
      cacheControl: [CacheControl.noCache()],
      distribution: this.distribution,
      distributionPaths: ['/*'],
      prune: true,
      retainOnDelete: false,
      memoryLimit: 256,
    });
    this.acknowledgeDeploymentFunction();
  }

  /** The deployment's Lambda is CDK's own singleton (one per stack, created by BucketDeployment). */
  private acknowledgeDeploymentFunction(): void {
    const singleton = Stack.of(this).node.children.find((child) =>
      child.node.id.startsWith('Custom::CDKBucketDeployment'),
    );
    if (!singleton) throw new Error('BucketDeployment created no deployment function');
    const copying = 'BucketDeployment copies the files from the CDK asset bucket into the console bucket';
    const reasons: Record<string, string> = {
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]':
        'CDK’s deployment function writes only its own logs with the basic execution role.',
      'AwsSolutions-IAM5[Action::s3:GetObject*]': `${copying}: reads of the asset objects.`,
      'AwsSolutions-IAM5[Action::s3:GetBucket*]': `${copying}: bucket metadata the copy needs.`,
      'AwsSolutions-IAM5[Action::s3:List*]': `${copying}: listing to prune files no longer part of the page.`,
      'AwsSolutions-IAM5[Action::s3:DeleteObject*]': `${copying}: pruning old files of the console bucket only.`,
      'AwsSolutions-IAM5[Action::s3:Abort*]': `${copying}: aborting its own multipart uploads.`,
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]':
        'The CDK bootstrap asset bucket, where the built page is staged; CDK names its objects by hash.',
      [`AwsSolutions-IAM5[Resource::${nagResourceName(this, this.bucket.arnForObjects('*'))}]`]:
        'Every object of the console bucket: the page is replaced as a whole on each deploy.',
      'AwsSolutions-IAM5[Resource::*]':
        'cloudfront:CreateInvalidation, which CDK grants on * (the distribution id is not known to its policy).',
      'AwsSolutions-L1':
        'CDK’s own deployment function: its runtime is chosen by aws-cdk-lib and moves with it.',
    };
    for (const [id, reason] of Object.entries(reasons)) Validations.of(singleton).acknowledge({ id, reason });
  }

  get url(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }
}

/**
 * The page's CSP: its own files only; calls to this region's API Gateway and Cognito endpoints and to
 * the uploads bucket. The API is named by its region's domain, not its id, since the API's CORS names
 * this distribution (naming the API here would be a dependency cycle).
 */
function consoleCsp(uploads: IBucket): string {
  const connect = [
    "'self'",
    `https://*.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}`,
    `https://cognito-idp.${Aws.REGION}.${Aws.URL_SUFFIX}`,
    `https://${uploads.bucketRegionalDomainName}`,
  ];
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' blob: data:",
    `connect-src ${connect.join(' ')}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
