/**
 * The process's environment as findings quote it. It is what the process started with (the strings on the main
 * thread's initial stack): a later setenv() is not seen, and neither is a setting made in a config file
 * (runtimeconfig.json, a JVM options file). A variable listed twice is read as getenv() reads it: the first one.
 */
import type { EnvironmentVariable, FindingEvidence, ProcessEnvironment } from '../../types';
import { grouped, hexDigits, humanSize } from './finding-text';

export const STARTED_WITH =
  'The environment is the one the process started with (its initial stack): a later setenv() or a config file is not seen.';

export function envVariable(env: ProcessEnvironment | undefined, name: string): EnvironmentVariable | undefined {
  return env?.env.find((v) => v.name === name);
}

/** The variables of `names` that are set, in the order of `names`. */
export function envVariables(env: ProcessEnvironment | undefined, names: readonly string[]): EnvironmentVariable[] {
  const out: EnvironmentVariable[] = [];
  for (const name of names) {
    const v = envVariable(env, name);
    if (v !== undefined) out.push(v);
  }
  return out;
}

export function envEvidence(v: EnvironmentVariable, what: string): FindingEvidence {
  return { kind: 'environment', name: v.name, value: v.value, text: `${v.name}=${v.value}: ${what}` };
}

/** The .NET settings a runtime reads as hexadecimal (CLRConfig's DWORD and size settings). */
export interface HexSetting {
  /** The value in bytes, when it is a hexadecimal number. */
  readonly bytes?: number;
  /** How the runtime reads it: "is read as hexadecimal: 0x180000 = …" (to follow the setting or "which"). */
  readonly reading: string;
  /** The setting and its reading: "DOTNET_DefaultStackSize=180000 is read as hexadecimal: …". */
  readonly text: string;
}

/**
 * How .NET reads a hexadecimal setting's value: `180000` is 0x180000, never one hundred eighty thousand. When the
 * value is all decimal digits it says so, and what to write if the decimal number was meant.
 */
export function readHexSetting(v: EnvironmentVariable): HexSetting {
  const raw = v.value.trim();
  const digits = /^0[xX]/.test(raw) ? raw.slice(2) : raw;
  const said = (reading: string, bytes?: number): HexSetting => ({
    ...(bytes === undefined ? {} : { bytes }),
    reading,
    text: `${v.name}=${v.value} ${reading}`,
  });
  if (!/^[0-9a-fA-F]{1,13}$/.test(digits)) {
    return said('is not a hexadecimal number, which the runtime expects: it is not read as a size');
  }
  const bytes = Number.parseInt(digits, 16);
  const reading = `is read as hexadecimal: 0x${digits.toUpperCase()} = ${grouped(bytes)} bytes = ${humanSize(bytes)}`;
  const decimal = Number.parseInt(digits, 10);
  if (!/^[0-9]+$/.test(digits) || digits !== raw || decimal === bytes) return said(reading, bytes);
  return said(`${reading}; if ${grouped(decimal)} bytes was meant, write ${hexDigits(decimal)}`, bytes);
}
