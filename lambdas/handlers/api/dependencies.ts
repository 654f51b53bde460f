/**
 * How the API routes get their dependencies. Each route's handler builds only what its use case takes (a
 * `getTask` needs no queue, upload signer or page counter), so each bundle carries only those clients;
 * no Textract, Bedrock or tesseract anywhere here. Built on first use, once per cold start; tests may give
 * every route one set with `useApiDependencies(...)`.
 */
import type { CreateUploadDependencies } from '../../core/use-cases/create-upload';
import type { DeleteTaskDependencies } from '../../core/use-cases/delete-task';
import type { GetTaskDependencies, WaitDependencies } from '../../core/use-cases/get-task';
import type { ListTasksDependencies } from '../../core/use-cases/list-tasks';
import type { SubmitTaskDependencies } from '../../core/use-cases/submit-task';
import { type Config, environmentConfig } from '../config';

/** Everything the API's use cases need (each route takes the part it uses). */
export type ApiDependencies = SubmitTaskDependencies &
  DeleteTaskDependencies &
  GetTaskDependencies &
  WaitDependencies &
  ListTasksDependencies &
  CreateUploadDependencies;

let replaced: ApiDependencies | undefined;

/** Replaces every route's dependencies (tests); `undefined` goes back to building from the environment. */
export function useApiDependencies(dependencies: ApiDependencies | undefined): void {
  replaced = dependencies;
}

/**
 * A route's dependencies: the replaced ones, else those `build` makes from the environment, once. A route
 * may build less than ApiDependencies holds under a name (`getTask`'s blobs only read), never another name.
 */
export function routeDependencies<
  Route extends { [Name in keyof Route]: Name extends keyof ApiDependencies ? unknown : never },
>(build: (config: Config) => Route): () => Route {
  let built: Route | undefined;
  return () => {
    // ApiDependencies is every route's dependencies at once, so it is each route's too.
    if (replaced) return replaced as unknown as Route;
    built ??= build(environmentConfig());
    return built;
  };
}

/** A long poll's pause between reads of the task (GET /v1/tasks/{taskId}?waitSeconds=). */
export const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
