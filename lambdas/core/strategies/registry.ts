import type { TaskType } from '../task';
import { documentStrategy } from './document';
import { formStrategy } from './form';
import { formFillingStrategy } from './form-filling';
import type { Strategy } from './strategy';

/** Every task type's strategy: a new type is one strategy file plus its result schema, registered here. */
const STRATEGIES: Record<TaskType, Strategy> = {
  document: documentStrategy,
  form: formStrategy,
  form_filling: formFillingStrategy,
};

export function strategyFor(type: TaskType): Strategy {
  return STRATEGIES[type];
}
