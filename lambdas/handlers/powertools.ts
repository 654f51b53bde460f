import { Logger } from '@aws-lambda-powertools/logger';
import { observability } from './config';

/**
 * One logger per cold start, shared by every handler in the bundle. Metrics (metrics.ts) and tracing
 * (tracing.ts) are apart, so a route that emits no metric or is not traced carries neither.
 */
export const logger = new Logger({ serviceName: observability().serviceName });
