/** A fixed-window counter per key (e.g. login attempts per IP and per account, per minute). */
export class RateLimiter {
  private readonly windows = new Map<string, { startedAtMs: number; count: number }>();

  constructor(
    private readonly maxPerWindow: number,
    private readonly windowMs: number,
  ) {}

  /** Counts one attempt; returns false when the key is over its limit for the current window. */
  attempt(key: string, nowMs = Date.now()): boolean {
    const window = this.windows.get(key);
    if (!window || nowMs - window.startedAtMs >= this.windowMs) {
      if (this.windows.size > 10_000) this.evictExpired(nowMs);
      this.windows.set(key, { startedAtMs: nowMs, count: 1 });
      return true;
    }
    window.count += 1;
    return window.count <= this.maxPerWindow;
  }

  private evictExpired(nowMs: number): void {
    for (const [key, window] of this.windows) if (nowMs - window.startedAtMs >= this.windowMs) this.windows.delete(key);
  }
}
