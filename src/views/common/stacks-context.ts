/**
 * The stacks pass's results for the dump on screen (src/state/stacks-data.ts), the way they reach the views: a
 * context for the same reason as the census's (census-context.ts) — table cells read it and re-render per batch
 * while the column definitions keep their identity.
 */
import { createContext, useContext } from 'react';
import type { StacksState } from '../../state/stacks-data';

export const StacksContext = createContext<StacksState | undefined>(undefined);

export function useStacksState(): StacksState | undefined {
  return useContext(StacksContext);
}
