// timeline.js: smooth movement from 30 Hz server states. The page draws the world as it was a little in the
// past (INTERPOLATION_DELAY), between the two server states around that moment, so dots glide instead of
// jumping once per tick, and a late frame does not make them stutter.

/**
 * Maps local time to the server's tick numbers: each frame's arrival says "tick T is about now"; the estimate
 * follows the arrivals smoothly (network jitter is averaged out) and jumps only after a big gap (a reconnect,
 * a restarted room).
 */
export class TickClock {
  constructor(tickRate = 30) {
    this.setRate(tickRate);
    this._offset = null; // local ticks minus server tick
  }

  /** Milliseconds per tick. */
  get tickMs() { return this._tickMs; }

  setRate(tickRate) {
    this._tickMs = 1000 / (tickRate > 0 ? tickRate : 30);
  }

  reset() {
    this._offset = null;
  }

  /** A frame for `tick` arrived at `now` (performance.now()). */
  observe(tick, now) {
    const sample = now / this._tickMs - tick;
    if (this._offset === null || Math.abs(sample - this._offset) > 10) this._offset = sample;
    // Frames arrive late, never early: follow a smaller (earlier) offset at once, a larger one slowly.
    else if (sample < this._offset) this._offset = sample;
    else this._offset += (sample - this._offset) * 0.05;
  }

  /** The server tick (fractional) at local time `now`; null before the first frame. */
  tickAt(now) {
    return this._offset === null ? null : now / this._tickMs - this._offset;
  }
}

/** Per-tick copies of every dot's position, for interpolation. Positions are world units; slots 0-7. */
export class Timeline {
  constructor(capacity = 64) {
    this._capacity = capacity;
    this._frames = [];
  }

  get length() { return this._frames.length; }

  reset() {
    this._frames = [];
  }

  /**
   * Records the state after `tick`: `positions` maps slot -> {x, y}. A skipped tick means nothing moved (the
   * server sends no delta then), so the previous state is repeated just before this one: without it a dot
   * that starts moving would seem to have crept all the way from the last frame.
   */
  push(tick, positions) {
    const last = this._frames[this._frames.length - 1];
    if (last && tick < last.tick) this.reset(); // a fresh world (restarted room): start over
    else if (last && tick === last.tick) this._frames.pop();
    else if (last && tick > last.tick + 1) this._frames.push({ tick: tick - 1, positions: last.positions });
    const copy = new Map();
    for (const [slot, p] of positions) copy.set(slot, { x: p.x, y: p.y });
    this._frames.push({ tick, positions: copy });
    while (this._frames.length > this._capacity) this._frames.shift();
  }

  /**
   * Where each dot was at fractional tick `at`: linear between the two frames around it, the oldest or newest
   * frame outside them (never guessed ahead). A dot only in the later frame appears there.
   */
  sample(at) {
    const frames = this._frames;
    if (frames.length === 0) return new Map();
    if (at === null || at >= frames[frames.length - 1].tick) return frames[frames.length - 1].positions;
    if (at <= frames[0].tick) return frames[0].positions;
    let i = frames.length - 2;
    while (i > 0 && frames[i].tick > at) i--;
    const a = frames[i], b = frames[i + 1];
    const t = (at - a.tick) / (b.tick - a.tick);
    const out = new Map();
    for (const [slot, pb] of b.positions) {
      const pa = a.positions.get(slot);
      out.set(slot, pa ? { x: pa.x + (pb.x - pa.x) * t, y: pa.y + (pb.y - pa.y) * t } : pb);
    }
    return out;
  }
}
