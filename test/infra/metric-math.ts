/**
 * A checker for CloudWatch metric-math expressions, strict enough to catch at test time what CloudWatch
 * refuses when it creates an alarm (and rolls back the stack): an unknown function, an unknown metric id,
 * a scalar inside `[...]` or as the argument of an aggregation such as `MAX`, an alarm on a scalar.
 *
 * Grammar (the subset of https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html
 * this stack may use, with the usual precedence):
 *   expr    := or
 *   or      := and ("OR" and)*            and := not ("AND" not)*          not := "NOT" not | compare
 *   compare := sum (("=="|"!="|"<="|">="|"<"|">") sum)?
 *   sum     := product (("+"|"-") product)*          product := power (("*"|"/") power)*
 *   power   := unary ("^" power)?                     unary := "-" unary | primary
 *   primary := number | 'string' | "string" | id | KEYWORD | NAME "(" args? ")" | "[" args "]" | "(" expr ")"
 */

/** What an expression evaluates to. */
export type MathType = 'scalar' | 'series' | 'series[]' | 'string' | 'keyword';

export type MathNode =
  | { kind: 'number'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'id'; name: string }
  | { kind: 'keyword'; name: string }
  | { kind: 'call'; name: string; args: MathNode[] }
  | { kind: 'array'; items: MathNode[] }
  | { kind: 'unary'; operator: string; operand: MathNode }
  | { kind: 'binary'; operator: string; left: MathNode; right: MathNode };

export class MetricMathError extends Error {
  override readonly name = 'MetricMathError';
}

type Token =
  | { type: 'number'; text: string; at: number }
  | { type: 'string'; text: string; at: number }
  | { type: 'word'; text: string; at: number }
  | { type: 'punct'; text: string; at: number };

const PUNCTUATION = ['==', '!=', '<=', '>=', '<', '>', '+', '-', '*', '/', '^', '(', ')', '[', ']', ','];

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < source.length) {
    const rest = source.slice(at);
    const space = /^\s+/.exec(rest);
    if (space) {
      at += space[0].length;
      continue;
    }
    const number = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(rest);
    if (number) {
      tokens.push({ type: 'number', text: number[0], at });
      at += number[0].length;
      continue;
    }
    const quote = rest[0];
    if (quote === "'" || quote === '"') {
      const end = source.indexOf(quote, at + 1);
      if (end < 0) throw new MetricMathError(`unterminated string at ${at} in ${source}`);
      tokens.push({ type: 'string', text: source.slice(at + 1, end), at });
      at = end + 1;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (word) {
      tokens.push({ type: 'word', text: word[0], at });
      at += word[0].length;
      continue;
    }
    const punct = PUNCTUATION.find((candidate) => rest.startsWith(candidate));
    if (!punct) throw new MetricMathError(`unexpected character '${rest[0]}' at ${at} in ${source}`);
    tokens.push({ type: 'punct', text: punct, at });
    at += punct.length;
  }
  return tokens;
}

/** Parses one expression into its syntax tree; throws MetricMathError on anything outside the grammar. */
export function parseMetricMath(source: string): MathNode {
  const tokens = tokenize(source);
  let position = 0;
  const peek = () => tokens[position];
  const fail = (message: string): never => {
    const token = peek();
    throw new MetricMathError(`${message} at ${token ? token.at : 'end'} in ${source}`);
  };
  const accept = (text: string): boolean => {
    const token = peek();
    if (token && (token.type === 'punct' || token.type === 'word') && token.text === text) {
      position++;
      return true;
    }
    return false;
  };
  const expect = (text: string) => {
    if (!accept(text)) fail(`expected '${text}'`);
  };
  const binaryLevel = (operators: readonly string[], next: () => MathNode) => (): MathNode => {
    let left = next();
    for (;;) {
      const operator = operators.find((candidate) => accept(candidate));
      if (!operator) return left;
      left = { kind: 'binary', operator, left, right: next() };
    }
  };

  const list = (close: string): MathNode[] => {
    const items: MathNode[] = [];
    if (accept(close)) return items;
    do items.push(expression());
    while (accept(','));
    expect(close);
    return items;
  };
  const primary = (): MathNode => {
    const token = peek();
    if (!token) return fail('unexpected end');
    position++;
    if (token.type === 'number') return { kind: 'number', value: Number(token.text) };
    if (token.type === 'string') return { kind: 'string', value: token.text };
    if (token.type === 'word') {
      if (accept('(')) return { kind: 'call', name: token.text, args: list(')') };
      // Metric and expression ids start with a lower-case letter; upper-case words are keywords (REPEAT, DESC).
      return /^[a-z]/.test(token.text)
        ? { kind: 'id', name: token.text }
        : { kind: 'keyword', name: token.text };
    }
    if (token.text === '[') return { kind: 'array', items: list(']') };
    if (token.text === '(') {
      const inner = expression();
      expect(')');
      return inner;
    }
    position--;
    return fail(`unexpected '${token.text}'`);
  };
  const unary = (): MathNode =>
    accept('-') ? { kind: 'unary', operator: '-', operand: unary() } : primary();
  const power = (): MathNode => {
    const base = unary();
    return accept('^') ? { kind: 'binary', operator: '^', left: base, right: power() } : base;
  };
  const product = binaryLevel(['*', '/'], power);
  const sum = binaryLevel(['+', '-'], product);
  const compare = (): MathNode => {
    const left = sum();
    const operator = ['==', '!=', '<=', '>=', '<', '>'].find((candidate) => accept(candidate));
    return operator ? { kind: 'binary', operator, left, right: sum() } : left;
  };
  const not = (): MathNode =>
    accept('NOT') ? { kind: 'unary', operator: 'NOT', operand: not() } : compare();
  const and = binaryLevel(['AND'], not);
  const or = binaryLevel(['OR'], and);
  const expression = or;

  const tree = expression();
  if (position < tokens.length) fail('unexpected trailing input');
  return tree;
}

type Signature = (args: MathType[], fail: (message: string) => never) => MathType;

const isSeries = (type: MathType) => type === 'series' || type === 'series[]';

/** Aggregations: one series → a scalar, an array of series → one series. A scalar has nothing to aggregate. */
const aggregation: Signature = (args, fail) => {
  if (args.length !== 1) return fail(`takes one argument, got ${args.length}`);
  if (args[0] === 'series') return 'scalar';
  if (args[0] === 'series[]') return 'series';
  return fail(`needs a time series or [series, …], got a ${args[0]}`);
};
/** Applied point by point: the result has the argument's shape. */
const pointwise =
  (allowScalar: boolean): Signature =>
  (args, fail) => {
    if (args.length !== 1) return fail(`takes one argument, got ${args.length}`);
    const [type] = args as [MathType];
    if (isSeries(type) || (allowScalar && type === 'scalar')) return type;
    return fail(`needs a time series, got a ${type}`);
  };
const seriesTo =
  (result: MathType): Signature =>
  (args, fail) => {
    if (args.length !== 1 || args[0] !== 'series')
      return fail(`needs one time series, got ${args.join(', ')}`);
    return result;
  };
const arrayTo =
  (result: MathType): Signature =>
  (args, fail) => {
    if (args[0] !== 'series[]') return fail(`needs an array of time series, got ${args[0]}`);
    return result;
  };

/** The functions of CloudWatch metric math this checker knows; any other name is refused. */
const FUNCTIONS: Record<string, Signature> = {
  AVG: aggregation,
  MAX: aggregation,
  MIN: aggregation,
  SUM: aggregation,
  STDDEV: aggregation,
  ABS: pointwise(true),
  CEIL: pointwise(true),
  FLOOR: pointwise(true),
  LOG: pointwise(true),
  LOG10: pointwise(true),
  DIFF: pointwise(false),
  DIFF_TIME: pointwise(false),
  RATE: pointwise(false),
  RUNNING_SUM: pointwise(false),
  MINUTE: pointwise(false),
  HOUR: pointwise(false),
  DAY: pointwise(false),
  DATE: pointwise(false),
  MONTH: pointwise(false),
  YEAR: pointwise(false),
  EPOCH: pointwise(false),
  SERVICE_QUOTA: pointwise(false),
  PERIOD: seriesTo('scalar'),
  DATAPOINT_COUNT: seriesTo('scalar'),
  METRIC_COUNT: arrayTo('scalar'),
  FIRST: arrayTo('series'),
  LAST: arrayTo('series'),
  REMOVE_EMPTY: arrayTo('series[]'),
  SLICE: arrayTo('series[]'),
  SORT: arrayTo('series[]'),
  TIME_SERIES: (args, fail) => (args[0] === 'scalar' ? 'series' : fail('needs a number')),
  FILL: (args, fail) => {
    const [values, filler] = args;
    if (args.length !== 2 || !values || !isSeries(values)) return fail('needs a series and a fill value');
    if (filler === 'string' || filler === 'series[]') return fail(`cannot fill with a ${filler}`);
    return values;
  },
  IF: (args, fail) => {
    if (args.length < 2 || args.length > 3) return fail(`takes 2 or 3 arguments, got ${args.length}`);
    const [condition, ...values] = args as [MathType, ...MathType[]];
    if (!isSeries(condition)) return fail(`needs a time-series condition, got a ${condition}`);
    if (values.some((value) => value === 'string' || value === 'keyword'))
      return fail('values must be numbers or series');
    return condition;
  },
  SEARCH: (args, fail) =>
    args[0] === 'string' && args[1] === 'string' && args[2] === 'scalar'
      ? 'series[]'
      : fail(`needs ('search', 'statistic', period), got ${args.join(', ')}`),
  METRICS: (args, fail) =>
    args.length === 0 || (args.length === 1 && args[0] === 'string')
      ? 'series[]'
      : fail('takes an optional label filter'),
  ANOMALY_DETECTION_BAND: (args, fail) =>
    args[0] === 'series' && (args.length === 1 || args[1] === 'scalar')
      ? 'series[]'
      : fail('needs a series and an optional band width'),
};

const KEYWORDS = new Set(['REPEAT', 'LINEAR', 'ASC', 'DESC', ...Object.keys(FUNCTIONS)]);

/** The type of an expression whose metric ids are `ids`; throws MetricMathError where CloudWatch would refuse it. */
export function typeOf(node: MathNode, ids: ReadonlySet<string>): MathType {
  const here =
    (what: string) =>
    (message: string): never => {
      throw new MetricMathError(`${what}: ${message}`);
    };
  switch (node.kind) {
    case 'number':
      return 'scalar';
    case 'string':
      return 'string';
    case 'keyword':
      if (!KEYWORDS.has(node.name)) throw new MetricMathError(`unknown keyword or id ${node.name}`);
      return 'keyword';
    case 'id':
      if (!ids.has(node.name)) throw new MetricMathError(`unknown metric id ${node.name}`);
      return 'series';
    case 'array': {
      for (const item of node.items) {
        const type = typeOf(item, ids);
        if (!isSeries(type)) throw new MetricMathError(`[...] holds time series only, not a ${type}`);
      }
      return 'series[]';
    }
    case 'call': {
      const signature = FUNCTIONS[node.name];
      if (!signature) throw new MetricMathError(`unknown function ${node.name}`);
      return signature(
        node.args.map((arg) => typeOf(arg, ids)),
        here(node.name),
      );
    }
    case 'unary': {
      const type = typeOf(node.operand, ids);
      if (type === 'string' || type === 'keyword') throw new MetricMathError(`${node.operator} of a ${type}`);
      return type;
    }
    case 'binary': {
      const types = [typeOf(node.left, ids), typeOf(node.right, ids)];
      for (const type of types) {
        if (type === 'string' || type === 'keyword')
          throw new MetricMathError(`'${node.operator}' of a ${type}`);
      }
      if (types.every((type) => type === 'series[]'))
        throw new MetricMathError(`'${node.operator}' of two arrays of series`);
      return types.includes('series[]') ? 'series[]' : types.includes('series') ? 'series' : 'scalar';
    }
  }
}

/** Checks an expression and returns its type. */
export function checkMetricMath(expression: string, ids: Iterable<string>): MathType {
  return typeOf(parseMetricMath(expression), new Set(ids));
}
