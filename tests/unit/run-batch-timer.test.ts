import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BatchTimer } from '../../src/core/run/batch-timer';

describe('BatchTimer', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('turns a burst of marks into one flush per interval, never at once', () => {
    const flush = vi.fn();
    const t = new BatchTimer(150, flush);
    for (let i = 0; i < 1000; i++) t.mark();
    expect(flush).not.toHaveBeenCalled();
    vi.advanceTimersByTime(149);
    expect(flush).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(flush).toHaveBeenCalledTimes(1);
    t.mark();
    vi.advanceTimersByTime(150);
    expect(flush).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(1000);
    expect(flush).toHaveBeenCalledTimes(2);
  });

  it('cancel() drops a pending flush', () => {
    const flush = vi.fn();
    const t = new BatchTimer(100, flush);
    t.mark();
    t.cancel();
    vi.advanceTimersByTime(500);
    expect(flush).not.toHaveBeenCalled();
  });
});
