/**
 * Checks for a JSON value read from a file someone may have edited: each check throws a BadField naming where the
 * value is (`regions[12].start`), what was expected and what is there. They validate and return nothing: the
 * document is used as it was parsed.
 */

export class BadField extends Error {
  constructor(
    readonly path: string,
    readonly expected: string,
    readonly got: unknown,
  ) {
    super(`${path}: expected ${expected}, got ${describe(got)}`);
    this.name = 'BadField';
  }
}

export type Check = (value: unknown, path: string) => void;

/** The value as a message shows it: short, and never more than a line. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') {
    const text = JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
    return text;
  }
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : typeof value;
}

export const text: Check = (v, path) => {
  if (typeof v !== 'string') throw new BadField(path, 'a string', v);
};

export const flag: Check = (v, path) => {
  if (typeof v !== 'boolean') throw new BadField(path, 'true or false', v);
};

/** Only `true` (fields written only when they hold). */
export const onlyTrue: Check = (v, path) => {
  if (v !== true) throw new BadField(path, 'true', v);
};

/** A whole number ≥ 0 that a double holds exactly (byte counts, offsets, ids). */
export const count: Check = (v, path) => {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new BadField(path, 'a whole number ≥ 0', v);
};

/** A whole number, negative allowed (signal codes). */
export const integer: Check = (v, path) => {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new BadField(path, 'a whole number', v);
};

export const finite: Check = (v, path) => {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new BadField(path, 'a number', v);
};

const ADDRESS = /^0x[0-9a-f]{1,16}$/;

/** A lower-case `0x…` address of at most 64 bits, as the document writes them. */
export const address: Check = (v, path) => {
  if (typeof v !== 'string' || !ADDRESS.test(v)) throw new BadField(path, 'a 0x… address', v);
};

export function oneOf(...values: readonly (string | number)[]): Check {
  const expected = `one of ${values.map((x) => JSON.stringify(x)).join(', ')}`;
  return (v, path) => {
    if (!values.includes(v as string | number)) throw new BadField(path, expected, v);
  };
}

export function nullable(check: Check): Check {
  return (v, path) => {
    if (v !== null) check(v, path);
  };
}

export function list(item: Check): Check {
  return (v, path) => {
    if (!Array.isArray(v)) throw new BadField(path, 'a list', v);
    for (let i = 0; i < v.length; i++) item(v[i], `${path}[${i}]`);
  };
}

/** An object of string values (registers by name). */
export function record(value: Check): Check {
  return (v, path) => {
    if (!isObject(v)) throw new BadField(path, 'an object', v);
    for (const [k, x] of Object.entries(v)) value(x, `${path}.${k}`);
  };
}

export interface Shape {
  readonly [key: string]: Check;
}

/**
 * An object with `required` keys and `optional` ones (checked when present). Other keys are let through: a report
 * of the same major version written by a newer coreview may add fields.
 */
export function object(required: Shape, optional: Shape = {}): Check {
  const req = Object.entries(required);
  const opt = Object.entries(optional);
  return (v, path) => {
    if (!isObject(v)) throw new BadField(path, 'an object', v);
    for (const [key, check] of req) check(v[key], join(path, key));
    for (const [key, check] of opt) if (v[key] !== undefined) check(v[key], join(path, key));
  };
}

/** An object told apart by its `kind` (finding evidence). */
export function tagged(shapes: Readonly<Record<string, Check>>): Check {
  const kinds = oneOf(...Object.keys(shapes));
  return (v, path) => {
    if (!isObject(v)) throw new BadField(path, 'an object', v);
    kinds(v.kind, join(path, 'kind'));
    shapes[v.kind as string]?.(v, path);
  };
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}
