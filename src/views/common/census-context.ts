/**
 * The census of the dump on screen: the one way it reaches the views and their parts (the app provides it). A
 * context rather than a prop because react-table renders a column's `cell` as a component (flexRender), so column
 * definitions must keep their identity while the census streams in — new definitions per batch would remount every
 * visible cell (and lose focus and tooltips). Cells read the census here and re-render when a batch changes it.
 */
import { createContext, useContext } from 'react';
import type { CensusState } from '../../state/census-data';

export const CensusContext = createContext<CensusState | undefined>(undefined);

export function useCensusState(): CensusState | undefined {
  return useContext(CensusContext);
}
