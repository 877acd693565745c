/**
 * The clocks a node stamps writes with. A hybrid logical clock (Kulkarni et
 * al.) follows the wall clock but never goes back and never falls behind a
 * timestamp it has seen, from the other node or a client: a write that
 * causally follows another always gets a larger timestamp, whatever the skew.
 * The wall clock alone (the broken variant) is what a skewed node's clock says.
 */
import { later, type Timestamp } from '../schema.ts';

export interface WriteClock {
  /** A timestamp for a write accepted now. */
  tick(): Timestamp;
  /** Take in a timestamp this node learned of (a replicated write, a client's context). */
  observe(ts: Timestamp): void;
}

export class HybridLogicalClock implements WriteClock {
  private last: Timestamp = { wall: 0, logical: 0 };

  constructor(private readonly now: () => number = Date.now) {}

  tick(): Timestamp {
    const wall = this.now();
    this.last =
      wall > this.last.wall ? { wall, logical: 0 } : { wall: this.last.wall, logical: this.last.logical + 1 };
    return this.last;
  }

  observe(ts: Timestamp): void {
    if (later(ts, this.last)) this.last = { wall: ts.wall, logical: ts.logical };
  }
}

export class WallClock implements WriteClock {
  constructor(private readonly now: () => number = Date.now) {}

  tick(): Timestamp {
    return { wall: this.now(), logical: 0 };
  }

  observe(): void {}
}
