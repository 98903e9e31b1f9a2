/** Runs the engine on builder output, and captures the DumpError an input must be rejected with. */
import { expect } from 'vitest';
import { analyzeCore } from '../../src/core/analyze';
import { DumpError, isDumpError } from '../../src/core/errors';
import { MemorySource } from '../../src/core/io/byte-source';
import type { Analysis } from '../../src/core/types';

export function analyzeBytes(bytes: Uint8Array): Promise<Analysis> {
  return analyzeCore(new MemorySource(bytes));
}

/** The DumpError `bytes` is rejected with; fails the test if the engine resolves or throws anything else. */
export async function rejection(bytes: Uint8Array): Promise<DumpError> {
  let caught: unknown;
  try {
    await analyzeBytes(bytes);
  } catch (e) {
    caught = e;
  }
  expect(caught, 'the engine should reject this input').toBeDefined();
  if (!isDumpError(caught)) throw caught; // surfaces TypeError/RangeError with its stack: an engine bug
  expect(caught).toBeInstanceOf(DumpError);
  expect(caught.message).not.toContain('\n');
  return caught;
}

/** Outcome of one robustness run: the analysis, or the DumpError it was rejected with. Other throws propagate. */
export async function outcome(bytes: Uint8Array): Promise<{ analysis?: Analysis; error?: DumpError }> {
  try {
    return { analysis: await analyzeBytes(bytes) };
  } catch (e) {
    if (isDumpError(e)) return { error: e };
    throw e;
  }
}
