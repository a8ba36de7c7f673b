/** Option checks shared by the optimizers and schedulers; each error names the option and the bad value. */

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  return String(value);
}

export function fail(owner: string, message: string): never {
  throw new Error(`${owner}: ${message}`);
}

export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

export function checkNonNegative(owner: string, name: string, value: unknown): number {
  if (!isFiniteNumber(value) || value < 0) fail(owner, `\`${name}\` must be a non-negative number, got ${show(value)}`);
  return value;
}

export function checkPositive(owner: string, name: string, value: unknown): number {
  if (!isFiniteNumber(value) || value <= 0) fail(owner, `\`${name}\` must be a positive number, got ${show(value)}`);
  return value;
}

export function checkPositiveInteger(owner: string, name: string, value: unknown): number {
  if (!Number.isInteger(value) || (value as number) <= 0) {
    fail(owner, `\`${name}\` must be a positive integer, got ${show(value)}`);
  }
  return value as number;
}

/** A number in [lo, hi) (or [lo, hi] when `closedHigh`). */
export function checkRange(owner: string, name: string, value: unknown, lo: number, hi: number, closedHigh = false): number {
  const ok = isFiniteNumber(value) && value >= lo && (closedHigh ? value <= hi : value < hi);
  if (!ok) fail(owner, `\`${name}\` must be a number in [${lo}, ${hi}${closedHigh ? ']' : ')'}, got ${show(value)}`);
  return value as number;
}

export function checkBoolean(owner: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') fail(owner, `\`${name}\` must be true or false, got ${show(value)}`);
  return value;
}

export function checkOneOf<T extends string>(owner: string, name: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    fail(owner, `\`${name}\` must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${show(value)}`);
  }
  return value as T;
}

/** Catches typos such as `weight_decay` for `weightDecay`, which would otherwise be silently ignored. */
export function checkKnownKeys(owner: string, options: object, allowed: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (allowed.includes(key)) continue;
    const camel = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    const hint = camel !== key && allowed.includes(camel) ? `; did you mean \`${camel}\`?` : '';
    fail(owner, `unknown option \`${key}\`${hint} (known: ${allowed.join(', ')})`);
  }
}

/** A number or one number per param group, expanded to one per group (PyTorch's `_format_param`). */
export function perGroup(owner: string, name: string, value: number | readonly number[], groups: number): number[] {
  if (Array.isArray(value)) {
    if (value.length !== groups) fail(owner, `\`${name}\` needs ${groups} values (one per param group), got ${show(value)}`);
    return [...value];
  }
  return new Array<number>(groups).fill(value as number);
}

/** Drops keys whose value is `undefined`, so `{ lr: undefined }` falls back to the default instead of overriding it. */
export function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}
