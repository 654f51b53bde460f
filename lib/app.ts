import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CONTEXT_KEYS, parseConfig } from './config';
import { DocusnapStack, type DocusnapStackProps } from './docusnap-stack';

export interface DocusnapAppOptions extends AppProps {
  /** Passed to the stack: entry resolution and bundle caching (tests). */
  readonly stack?: Pick<DocusnapStackProps, 'entryFor' | 'bundleCacheKey'>;
}

/** The CDK app: configuration parsed once from context, one stack per stage, cdk-nag AwsSolutions on. */
export function createDocusnapApp(options: DocusnapAppOptions = {}): { app: App; stack: DocusnapStack } {
  const { stack: stackOptions, ...appProps } = options;
  const app = new App(appProps);
  const context = Object.fromEntries(
    CONTEXT_KEYS.map((key) => [key, app.node.tryGetContext(key)]).filter(([, value]) => value !== undefined),
  );
  const config = parseConfig(context);
  const stack = new DocusnapStack(app, `DocuSnap-${config.stage}`, {
    config,
    description: `DocuSnap backend (${config.stage})`,
    // Environment-agnostic: no lookups, so synth needs no credentials; the CLI's profile picks the target.
    ...stackOptions,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
