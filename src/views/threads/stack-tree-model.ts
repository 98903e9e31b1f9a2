/**
 * The grouped-stacks view's pure side: the merged tree (mergeStacks, largest branch first) flattened into the rows
 * on screen (collapsed branches left out), and the one-line summary of a stack group. Flat rows are
 * what a virtualized list and the arrow keys both need: an index, a level, a parent.
 */
import type { Frame } from '../../core/types';
import { frameText } from '../../core/model/frame-text';
import type { StackTreeNode } from '../../core/model/stack-groups';

export interface TreeRow {
  /** The path of child positions from the root ("0.2.1"): stable while the tree keeps its shape. */
  readonly id: string;
  readonly node: StackTreeNode;
  /** 1 for a root (aria-level counts from 1). */
  readonly level: number;
  /** The parent's row id; undefined for a root. */
  readonly parent?: string;
  readonly expanded: boolean;
  /** Position among its siblings, from 1, and how many siblings there are (aria-posinset, aria-setsize). */
  readonly position: number;
  readonly siblings: number;
}

/**
 * The rows shown for the tree: depth first, a collapsed node's descendants left out. Iterative, since a stack can
 * be a thousand frames deep.
 */
export function visibleRows(roots: readonly StackTreeNode[], collapsed: ReadonlySet<string>): TreeRow[] {
  const out: TreeRow[] = [];
  interface Pending {
    readonly node: StackTreeNode;
    readonly id: string;
    readonly level: number;
    readonly parent?: string;
    readonly position: number;
    readonly siblings: number;
  }
  const push = (stack: Pending[], nodes: readonly StackTreeNode[], level: number, parent?: string): void => {
    // Pushed in reverse so that the first child is taken first.
    for (let i = nodes.length - 1; i >= 0; i--) {
      const node = nodes[i];
      if (node === undefined) continue;
      const id = parent === undefined ? String(i) : `${parent}.${i}`;
      stack.push({
        node,
        id,
        level,
        position: i + 1,
        siblings: nodes.length,
        ...(parent !== undefined ? { parent } : {}),
      });
    }
  };
  const stack: Pending[] = [];
  push(stack, roots, 1);
  for (let p = stack.pop(); p !== undefined; p = stack.pop()) {
    const expanded = !collapsed.has(p.id);
    out.push({ ...p, expanded });
    if (expanded) push(stack, p.node.children, p.level + 1, p.id);
  }
  return out;
}

/** How many frames of a group's summary are shown before the "…" (the outermost frame is always shown). */
const SUMMARY_INNER = 3;

/**
 * A stack on one line, innermost first as a reader asks "what is it doing": the three innermost frames, "…" for
 * the ones between, and the outermost ("__recv ← SystemNative_ReceiveMessage ← [JIT] … ← start_thread").
 */
export function stackSummary(frames: readonly Frame[]): string {
  const texts = frames.map(frameText);
  if (texts.length <= SUMMARY_INNER + 1) return texts.join(' ← ');
  return `${texts.slice(0, SUMMARY_INNER).join(' ← ')} … ← ${texts[texts.length - 1] ?? ''}`;
}

export function threadCount(n: number): string {
  return `${n.toLocaleString('en-US')} thread${n === 1 ? '' : 's'}`;
}
