// arena.js: the arena page. The server owns the game: this page sends inputs (steer, sync), applies the roster
// (JSON) and state frames (binary) the room sends, and draws the world ~100 ms in the past, interpolated.
import { ActorWsClient } from "/actorws.js";
import { FrameKind, WORLD, decodeStateFrame, encodeSteer, encodeSync } from "./protocol.js";
import { TickClock, Timeline } from "./timeline.js";

const ROOM_TYPE = "arena";
/** How far in the past the world is drawn: three ticks at 30 Hz, so there is nearly always a frame on each side. */
const INTERPOLATION_DELAY_MS = 100;
/** At most one input per tick: faster ones would only queue up at the room (which rate-limits at 60/s). */
const INPUT_MIN_INTERVAL_MS = 33;
/** A held input is repeated this often: the server drops an input it has not heard again within 1 s. */
const INPUT_REPEAT_MS = 300;
/** Pointer steering: at this distance (world units) or more from the dot, full speed; closer, slower. */
const POINTER_FULL_SPEED_DISTANCE = 120;
/** Room kept around the field inside the canvas (CSS px): the ring around a dot at the edge, and names, stay visible. */
const FIELD_MARGIN = 24;
/** Names are drawn at this size whatever the field's scale, so they stay readable on a small window. */
const LABEL_FONT = "600 13px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
/** From a dot's edge to its name (CSS px). */
const LABEL_GAP = 6;
/** A name keeps this far from the canvas's edges (CSS px). */
const LABEL_INSET = 2;
/** The ring around one's own dot: this far outside the dot, this thick (world units). */
const RING_OFFSET = 5;
const RING_WIDTH = 3;
const NO_ROOM_REASON = "binary messages need a game room";
const KEYS = {
  ArrowLeft: "left", KeyA: "left", ArrowRight: "right", KeyD: "right",
  ArrowUp: "up", KeyW: "up", ArrowDown: "down", KeyS: "down",
};

const $ = selector => document.querySelector(selector);
const ui = {
  badge: $("#connection"), room: $("#room"), count: $("#count"), canvas: $("#field"), overlay: $("#overlay"),
  scores: $("#scores"), me: $("#me"), tick: $("#tick"), message: $("#message"), leave: $("#leave"),
};
const ctx = ui.canvas.getContext("2d");
const params = new URLSearchParams(location.search);
const requestedName = params.get("name");

// persistKey keeps the resume token in sessionStorage: a reload within the window resumes this very player.
const client = new ActorWsClient("/ws", { persistKey: "arena" });

const game = {
  room: null,
  tickRate: 30,
  maxPlayers: 8,
  world: { ...WORLD },
  roster: new Map(),   // slot -> {slot, id, name, color}
  players: new Map(),  // slot -> {x, y, score} in fixed point: the latest server state
  items: new Map(),    // id -> {x, y} in fixed point
  synced: false,       // a keyframe has been applied: deltas make sense from here on
  lastTick: null,
  frames: 0,
  badFrames: 0,
  resumed: false,      // the page started by resuming a session (a reload within the window)
  departed: new Set(), // ids this page saw leave
  effects: [],         // pickup flashes: {x, y, color, at}
  left: false,
  joinError: null,     // why the last join was refused, shown until a join succeeds
};
const clock = new TickClock();
const timeline = new Timeline();
let started = false;
let joining = null;

// ---- connection ---------------------------------------------------------------------------------------------

const STATE_LABELS = { idle: "idle", connecting: "connecting", open: "open", reconnecting: "reconnecting…", closed: "closed" };
client.on("state", s => {
  ui.badge.textContent = STATE_LABELS[s.state] ?? s.state;
  ui.badge.dataset.state = s.state;
  if (s.state === "closed" && !game.left) showMessage(`Disconnected: ${s.reason ?? "the connection closed"}. Reload to play again.`, true);
  updateOverlay();
});
client.on("message", m => {
  if (m.data && m.data.t === "roster") applyRoster(m.room, m.data);
});
client.on("binary", b => applyFrame(b.data));
client.on("notice", n => {
  if (n.event === "restarted") {
    // Fresh logic on the server: a new world follows (roster and keyframe); forget the old one's ticks.
    game.synced = false;
    timeline.reset();
    clock.reset();
  } else if (n.event === "closed") {
    forgetRoom();
    if (started) ensureJoined();
  }
});
// The session was lost (its window passed while away): the dot is gone, join again as a new player.
client.on("resumeFailed", () => {
  forgetRoom();
  if (started) ensureJoined();
});
client.on("error", e => {
  if (e.reason.startsWith(NO_ROOM_REASON)) {
    // Resumed a session that is in no arena (it never joined one): join now.
    forgetRoom();
    ensureJoined();
  } else {
    showMessage(e.reason, true);
  }
});

async function start() {
  let resumedWelcome = false;
  const offWelcome = client.on("welcome", w => { resumedWelcome = w.resumed; });
  try {
    await client.connect();
  } catch (err) {
    showMessage(err.message, true);
    return;
  } finally {
    offWelcome();
  }
  game.resumed = resumedWelcome;
  started = true;
  // A resumed session is still in its arena: ask for the roster and a keyframe to start from. The room keeps
  // sending frames meanwhile (the ones missed during the reload come first); deltas wait for the keyframe.
  if (resumedWelcome) client.sendBinary(encodeSync()).catch(() => {});
  else ensureJoined();
}

function ensureJoined() {
  if (game.room || game.left) return Promise.resolve();
  joining ??= (async () => {
    try {
      const joined = await client.joinOrCreate(ROOM_TYPE, requestedName ? { name: requestedName } : undefined);
      game.room = joined.room;
      game.joinError = null;
      showMessage("");
      updateHud();
    } catch (err) {
      game.joinError = err.reason ?? err.message;
      showMessage(`Could not join an arena: ${game.joinError}`, true);
      updateOverlay();
    } finally {
      joining = null;
    }
  })();
  return joining;
}

function forgetRoom() {
  game.room = null;
  game.synced = false;
  game.lastTick = null;
  game.roster.clear();
  game.players.clear();
  game.items.clear();
  timeline.reset();
  clock.reset();
  updateHud();
  renderScores();
}

ui.leave.addEventListener("click", () => {
  if (game.left) {
    location.reload();
    return;
  }
  // Close 1000 ends the session: the others see this player leave at once, and a reload starts afresh.
  game.left = true;
  client.close();
  forgetRoom();
  ui.leave.textContent = "Play again";
  showMessage("You left the arena.");
});

// ---- applying what the room sends ---------------------------------------------------------------------------

function applyRoster(room, roster) {
  game.room = room;
  if (Number.isFinite(roster.tickRate) && roster.tickRate > 0) {
    game.tickRate = roster.tickRate;
    clock.setRate(roster.tickRate);
  }
  if (Number.isInteger(roster.maxPlayers) && roster.maxPlayers > 0) game.maxPlayers = roster.maxPlayers;
  if (roster.world && typeof roster.world === "object") game.world = { ...WORLD, ...roster.world };
  const next = new Map();
  for (const p of Array.isArray(roster.players) ? roster.players : []) {
    if (Number.isInteger(p.slot) && typeof p.id === "string") next.set(p.slot, { slot: p.slot, id: p.id, name: String(p.name ?? p.id), color: String(p.color ?? "#ccc") });
  }
  const stillHere = new Set([...next.values()].map(p => p.id));
  for (const [slot, old] of game.roster) {
    if (!stillHere.has(old.id)) game.departed.add(old.id);
    // A slot that changed hands: the old dot's state is not the new player's.
    if (next.get(slot)?.id !== old.id) game.players.delete(slot);
  }
  for (const slot of game.players.keys()) if (!next.has(slot)) game.players.delete(slot);
  game.roster = next;
  updateHud();
  renderScores();
}

function applyFrame(bytes) {
  const decoded = decodeStateFrame(bytes);
  if (!decoded.ok) {
    game.badFrames++;
    console.warn(`arena: ignored a state frame: ${decoded.error}`);
    return;
  }
  const frame = decoded.frame;
  let scoresChanged = false;
  if (frame.kind === FrameKind.KEYFRAME) {
    game.players.clear();
    game.items.clear();
    for (const p of frame.players) game.players.set(p.slot, { x: p.x, y: p.y, score: p.score });
    for (const item of frame.items) game.items.set(item.id, { x: item.x, y: item.y });
    game.synced = true;
    scoresChanged = true;
  } else {
    if (!game.synced) return; // a delta against a state this page never had
    for (const p of frame.players) {
      const before = game.players.get(p.slot);
      if (!before || before.score !== p.score) scoresChanged = true;
      game.players.set(p.slot, { x: p.x, y: p.y, score: p.score });
    }
    for (const item of frame.items) game.items.set(item.id, { x: item.x, y: item.y });
    for (const pickup of frame.pickups) {
      const item = game.items.get(pickup.itemId);
      if (item) game.effects.push({ x: item.x, y: item.y, color: game.roster.get(pickup.slot)?.color ?? "#fff", at: performance.now() });
      game.items.delete(pickup.itemId);
    }
  }
  game.lastTick = frame.tick;
  game.frames++;
  const scale = game.world.scale;
  const positions = new Map();
  for (const [slot, p] of game.players) positions.set(slot, { x: p.x / scale, y: p.y / scale });
  timeline.push(frame.tick, positions);
  clock.observe(frame.tick, performance.now());
  if (scoresChanged) renderScores();
  updateOverlay();
}

// ---- input ----------------------------------------------------------------------------------------------------

let desired = encodeSteer(0, 0);
let lastSent = null;
let lastSentAt = -Infinity;
let flushTimer = null;

const sameBytes = (a, b) => a !== null && b !== null && a.length === b.length && a.every((v, i) => v === b[i]);
const isMoving = bytes => bytes[1] !== 0 || bytes[2] !== 0;

/** Steers this player's dot: (dx, dy) is a direction, its length (capped at 1) the throttle. What the keys and the pointer call. */
function steer(dx, dy) {
  desired = encodeSteer(dx, dy);
  flushInput();
}

function flushInput() {
  if (!game.room || game.left || sameBytes(desired, lastSent)) return;
  const wait = lastSentAt + INPUT_MIN_INTERVAL_MS - performance.now();
  if (wait > 0) {
    flushTimer ??= setTimeout(() => { flushTimer = null; flushInput(); }, wait);
    return;
  }
  sendInput(desired);
}

function sendInput(bytes) {
  lastSent = bytes;
  lastSentAt = performance.now();
  client.sendBinary(bytes).catch(() => { lastSent = null; });
}

// A held direction is repeated, so the server knows the page is still steering (it stops a silent player).
setInterval(() => {
  if (game.room && !game.left && isMoving(desired) && performance.now() - lastSentAt >= INPUT_REPEAT_MS) sendInput(desired);
}, INPUT_REPEAT_MS / 3);

const pressed = new Set();
function steerFromKeys() {
  const dx = (pressed.has("right") ? 1 : 0) - (pressed.has("left") ? 1 : 0);
  const dy = (pressed.has("down") ? 1 : 0) - (pressed.has("up") ? 1 : 0);
  steer(dx, dy);
}
window.addEventListener("keydown", e => {
  const key = KEYS[e.code];
  if (!key || e.altKey || e.ctrlKey || e.metaKey) return;
  e.preventDefault(); // arrows would scroll the page
  if (pressed.has(key)) return; // auto-repeat
  pressed.add(key);
  steerFromKeys();
});
window.addEventListener("keyup", e => {
  const key = KEYS[e.code];
  if (!key) return;
  pressed.delete(key);
  steerFromKeys();
});
window.addEventListener("blur", () => {
  if (pressed.size === 0) return;
  pressed.clear();
  steerFromKeys();
});

// Pointer or touch: hold on the field and the dot heads for the pointer, slowing down as it gets there.
let pointerTarget = null;
function worldPoint(e) {
  const rect = ui.canvas.getBoundingClientRect();
  return { x: (e.clientX - rect.left - view.left) / view.scale, y: (e.clientY - rect.top - view.top) / view.scale };
}
ui.canvas.addEventListener("pointerdown", e => {
  ui.canvas.setPointerCapture(e.pointerId);
  pointerTarget = worldPoint(e);
  steerTowardsPointer();
});
ui.canvas.addEventListener("pointermove", e => {
  if (pointerTarget) pointerTarget = worldPoint(e);
});
for (const type of ["pointerup", "pointercancel"]) {
  ui.canvas.addEventListener(type, () => {
    if (!pointerTarget) return;
    pointerTarget = null;
    steer(0, 0);
  });
}
function steerTowardsPointer() {
  const me = myPlayer();
  if (!pointerTarget || !me) return;
  const scale = game.world.scale;
  const dx = pointerTarget.x - me.x / scale, dy = pointerTarget.y - me.y / scale;
  const distance = Math.hypot(dx, dy);
  if (distance < 4) {
    steer(0, 0);
    return;
  }
  const throttle = Math.min(1, distance / POINTER_FULL_SPEED_DISTANCE);
  steer((dx / distance) * throttle, (dy / distance) * throttle);
}

// ---- page -----------------------------------------------------------------------------------------------------

function mySlot() {
  for (const [slot, p] of game.roster) if (p.id === client.sessionId) return slot;
  return null;
}

function myPlayer() {
  const slot = mySlot();
  return slot === null ? null : game.players.get(slot) ?? null;
}

function showMessage(text, isError = false) {
  ui.message.textContent = text;
  ui.message.classList.toggle("error", isError && text !== "");
}

function updateHud() {
  ui.room.textContent = game.room ?? "—";
  ui.count.textContent = game.room ? `${game.roster.size} / ${game.maxPlayers}` : "—";
  const slot = mySlot();
  const me = slot === null ? null : game.roster.get(slot);
  ui.me.replaceChildren();
  if (me) {
    const dot = document.createElement("span");
    dot.className = "dot";
    dot.style.background = me.color;
    ui.me.append(dot, document.createTextNode(me.name));
  } else {
    ui.me.textContent = game.left ? "not playing" : "not in an arena yet";
  }
  updateOverlay();
}

function updateOverlay() {
  let text = "";
  if (game.left) text = "You left the arena";
  else if (client.state === "closed") text = "Disconnected";
  else if (game.joinError !== null && !game.room) text = "Could not join an arena";
  else if (!game.synced) text = client.state === "open" ? "Joining the arena…" : "Connecting…";
  ui.overlay.textContent = text;
  ui.overlay.hidden = text === "";
}

function renderScores() {
  const rows = [...game.roster.values()]
    .map(p => ({ ...p, score: game.players.get(p.slot)?.score ?? 0 }))
    .sort((a, b) => b.score - a.score || a.slot - b.slot);
  ui.scores.replaceChildren(...rows.map(p => {
    const li = document.createElement("li");
    li.dataset.id = p.id;
    if (p.id === client.sessionId) li.classList.add("me");
    const dot = document.createElement("span");
    dot.className = "dot";
    dot.style.background = p.color;
    const name = document.createElement("span");
    name.className = "name";
    name.textContent = p.id === client.sessionId ? `${p.name} (you)` : p.name;
    const score = document.createElement("span");
    score.className = "score";
    score.textContent = String(p.score);
    li.append(dot, name, score);
    return li;
  }));
  if (rows.length === 0) {
    const li = document.createElement("li");
    li.className = "empty";
    li.textContent = "No players yet";
    ui.scores.append(li);
  }
}

// ---- drawing --------------------------------------------------------------------------------------------------

// Where the field is drawn, in the canvas's CSS pixels: world (x, y) is at (left + x * scale, top + y * scale). The canvas
// fills the space the page leaves it; the field keeps its shape, as large as fits inside FIELD_MARGIN, centred.
let view = { width: 0, height: 0, left: 0, top: 0, scale: 1, dpr: 1 };
// The players as the last frame drew them (CSS pixels of the canvas), for the tests and the curious.
let drawn = [];

function layoutField() {
  const dpr = window.devicePixelRatio || 1;
  const width = ui.canvas.clientWidth, height = ui.canvas.clientHeight;
  const pixelWidth = Math.round(width * dpr), pixelHeight = Math.round(height * dpr);
  if (ui.canvas.width !== pixelWidth || ui.canvas.height !== pixelHeight) {
    ui.canvas.width = pixelWidth;
    ui.canvas.height = pixelHeight;
  }
  const world = game.world;
  const scale = Math.max(0.01, Math.min((width - 2 * FIELD_MARGIN) / world.width, (height - 2 * FIELD_MARGIN) / world.height));
  view = { width, height, scale, dpr, left: (width - world.width * scale) / 2, top: (height - world.height * scale) / 2 };
}

function draw(now) {
  try {
    drawField(now);
  } finally {
    requestAnimationFrame(draw);
  }
}

function drawField(now) {
  steerTowardsPointer();
  layoutField();
  const { width, height, scale, playerRadius, itemRadius } = game.world;
  const { dpr } = view;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, ui.canvas.width, ui.canvas.height);
  // World units from here on.
  const k = view.scale;
  ctx.setTransform(dpr * k, 0, 0, dpr * k, dpr * view.left, dpr * view.top);

  // Field: its floor, a faint grid (so movement reads even on an empty field) and its edge.
  const floor = ctx.createRadialGradient(width / 2, height * 0.4, 0, width / 2, height * 0.4, width * 0.6);
  floor.addColorStop(0, "#15224a");
  floor.addColorStop(1, "#0e1630");
  ctx.fillStyle = floor;
  ctx.fillRect(0, 0, width, height);
  ctx.strokeStyle = "rgba(148, 163, 184, 0.08)";
  ctx.lineWidth = 1 / k;
  ctx.beginPath();
  for (let x = 50; x < width; x += 50) { ctx.moveTo(x, 0); ctx.lineTo(x, height); }
  for (let y = 50; y < height; y += 50) { ctx.moveTo(0, y); ctx.lineTo(width, y); }
  ctx.stroke();
  ctx.strokeStyle = "#2c3d66";
  ctx.lineWidth = 1.5 / k;
  ctx.strokeRect(0, 0, width, height);

  // Items pulse gently.
  const pulse = 1 + 0.12 * Math.sin(now / 220);
  for (const item of game.items.values()) {
    const x = item.x / scale, y = item.y / scale;
    ctx.save();
    ctx.shadowColor = "rgba(255, 212, 59, 0.8)";
    ctx.shadowBlur = 14;
    ctx.fillStyle = "#ffd43b";
    ctx.beginPath();
    ctx.moveTo(x, y - itemRadius * pulse);
    ctx.lineTo(x + itemRadius * pulse, y);
    ctx.lineTo(x, y + itemRadius * pulse);
    ctx.lineTo(x - itemRadius * pulse, y);
    ctx.closePath();
    ctx.fill();
    ctx.restore();
  }

  // Pickup flashes: a ring in the picker's colour.
  game.effects = game.effects.filter(e => now - e.at < 450);
  for (const e of game.effects) {
    const t = (now - e.at) / 450;
    ctx.strokeStyle = e.color;
    ctx.globalAlpha = 1 - t;
    ctx.lineWidth = 3;
    ctx.beginPath();
    ctx.arc(e.x / scale, e.y / scale, itemRadius + 30 * t, 0, Math.PI * 2);
    ctx.stroke();
    ctx.globalAlpha = 1;
  }

  // Players, as they were INTERPOLATION_DELAY_MS ago: the dots first, then every name above them all.
  const at = clock.tickAt(now);
  const positions = timeline.sample(at === null ? null : at - INTERPOLATION_DELAY_MS / clock.tickMs);
  const me = mySlot();
  const shown = [];
  for (const [slot, p] of positions) {
    const who = game.roster.get(slot);
    if (!who) continue;
    ctx.fillStyle = who.color;
    ctx.beginPath();
    ctx.arc(p.x, p.y, playerRadius, 0, Math.PI * 2);
    ctx.fill();
    let outer = playerRadius;
    if (slot === me) {
      ctx.strokeStyle = "#ffffff";
      ctx.lineWidth = RING_WIDTH;
      ctx.beginPath();
      ctx.arc(p.x, p.y, playerRadius + RING_OFFSET, 0, Math.PI * 2);
      ctx.stroke();
      outer = playerRadius + RING_OFFSET + RING_WIDTH / 2;
    }
    shown.push({ who, x: view.left + p.x * k, y: view.top + p.y * k, radius: outer * k });
  }
  // Names in CSS pixels, at a fixed size: centred over the dot, but moved along to stay wholly inside the canvas, and
  // below the dot when there is no room above it.
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.font = LABEL_FONT;
  ctx.textAlign = "left";
  ctx.textBaseline = "alphabetic";
  ctx.fillStyle = "rgba(226, 232, 240, 0.92)";
  drawn = shown.map(({ who, x, y, radius }) => {
    const label = labelBox(who.name, x, y, radius);
    ctx.fillText(who.name, label.left, label.baseline);
    return { id: who.id, name: who.name, dot: { x, y, radius }, label };
  });
  ui.tick.textContent = game.lastTick === null ? "—" : `tick ${game.lastTick} · ${game.tickRate} Hz`;
}

/** Where a name goes for a dot at (x, y) of the given radius, in CSS pixels (ctx.font must be LABEL_FONT). */
function labelBox(text, x, y, radius) {
  const metrics = ctx.measureText(text);
  const width = metrics.width;
  const ascent = metrics.fontBoundingBoxAscent ?? metrics.actualBoundingBoxAscent;
  const descent = metrics.fontBoundingBoxDescent ?? metrics.actualBoundingBoxDescent;
  const left = Math.max(LABEL_INSET, Math.min(x - width / 2, view.width - LABEL_INSET - width));
  let baseline = y - radius - LABEL_GAP - descent;
  if (baseline - ascent < LABEL_INSET) baseline = y + radius + LABEL_GAP + ascent;
  return { text, font: LABEL_FONT, left, right: left + width, top: baseline - ascent, bottom: baseline + descent, baseline };
}

// ---- test hook ------------------------------------------------------------------------------------------------
// Read-only view for the end-to-end tests (and the curious, in the console): the latest server state as this
// page knows it, not the interpolated drawing; positions in world units. steer() is exactly what the keys call.
window.arena = Object.freeze({
  get me() { return client.sessionId; },
  get room() { return game.room; },
  get connection() { return client.state; },
  get resumed() { return game.resumed; },
  get synced() { return game.synced; },
  get ticks() { return game.lastTick; },
  get frames() { return game.frames; },
  get badFrames() { return game.badFrames; },
  players() {
    const out = [];
    for (const [slot, who] of game.roster) {
      const p = game.players.get(slot);
      if (p) out.push({ id: who.id, name: who.name, color: who.color, slot, x: p.x / game.world.scale, y: p.y / game.world.scale, score: p.score });
    }
    return out;
  },
  items() { return [...game.items].map(([id, i]) => ({ id, x: i.x / game.world.scale, y: i.y / game.world.scale })); },
  /** Where the field is drawn in the canvas (CSS pixels): world (x, y) is at (left + x * scale, top + y * scale); dpr device pixels per CSS pixel. */
  view() { return { ...view }; },
  /** The players as the last frame drew them (interpolated, so a little behind players()): dots and name boxes in the canvas's CSS pixels. */
  drawn() { return drawn.map(d => ({ ...d, dot: { ...d.dot }, label: { ...d.label } })); },
  departed() { return [...game.departed]; },
  steer(dx, dy) { steer(dx, dy); },
});

updateHud();
renderScores();
requestAnimationFrame(draw);
start();
