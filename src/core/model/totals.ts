import type { ImageTotal, KindTotal, Region } from '../types';

/** Per-kind totals, largest first. Every region counts in exactly one kind, so the totals sum to the whole. */
export function kindTotals(regions: readonly Region[]): KindTotal[] {
  const byKind = new Map<string, { count: number; size: number; inDump: number; heuristic: boolean }>();
  let all = 0;
  for (let i = 0; i < regions.length; i++) {
    const r = regions[i]; // indexed: see classifyRegions
    if (r === undefined) throw new RangeError(`no region ${i}`);
    const t = byKind.get(r.kind) ?? { count: 0, size: 0, inDump: 0, heuristic: false };
    t.count += 1;
    t.size += r.size;
    t.inDump += r.inDump;
    t.heuristic ||= r.heuristic !== undefined;
    byKind.set(r.kind, t);
    all += r.size;
  }
  return [...byKind]
    .map(([kind, t]) => ({ kind, ...t, percent: all === 0 ? 0 : (t.size / all) * 100 }))
    .sort((a, b) => b.size - a.size || a.kind.localeCompare(b.kind));
}

/** Per-image totals (file-backed regions grouped by path), largest first. */
export function imageTotals(regions: readonly Region[]): ImageTotal[] {
  const byImage = new Map<string, { count: number; size: number; inDump: number }>();
  for (let i = 0; i < regions.length; i++) {
    const r = regions[i];
    if (r === undefined) throw new RangeError(`no region ${i}`);
    if (r.image === undefined) continue;
    const t = byImage.get(r.image) ?? { count: 0, size: 0, inDump: 0 };
    t.count += 1;
    t.size += r.size;
    t.inDump += r.inDump;
    byImage.set(r.image, t);
  }
  return [...byImage]
    .map(([image, t]) => ({ image, ...t }))
    .sort((a, b) => b.size - a.size || a.image.localeCompare(b.image));
}
