/**
 * The simulator's clock. By default it follows real time; `set` freezes it at an instant, `advance` moves it
 * (frozen or running), `useReal` returns to real time. Every record timestamp comes from here.
 */
export class SimClock {
  private frozenAt: number | undefined;
  private offsetMs = 0;

  constructor(private readonly realNow: () => number = Date.now) {}

  now(): Date {
    return new Date(this.nowMs());
  }

  nowMs(): number {
    return this.frozenAt ?? this.realNow() + this.offsetMs;
  }

  /** Whether the clock is frozen (set) rather than running. */
  get frozen(): boolean {
    return this.frozenAt !== undefined;
  }

  /** Freezes the clock at `at`; with `running: true` it keeps ticking from `at` instead. */
  set(at: Date, running = false): void {
    if (running) {
      this.frozenAt = undefined;
      this.offsetMs = at.getTime() - this.realNow();
    } else {
      this.frozenAt = at.getTime();
      this.offsetMs = 0;
    }
  }

  advance(ms: number): void {
    if (this.frozenAt !== undefined) this.frozenAt += ms;
    else this.offsetMs += ms;
  }

  useReal(): void {
    this.frozenAt = undefined;
    this.offsetMs = 0;
  }
}
