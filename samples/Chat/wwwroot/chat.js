// The chat page: rooms, presence, typing, history on join, and a connection that comes back without losing messages.
//
// Everything goes through the server's browser client (/actorws.js) on /ws?name=<display name>. What a room sends
// arrives as room data, {kind: "snapshot" | "say" | "joined" | "left" | "typing", …} (see the sample's README). The
// client resumes the session after a dropped connection (the messages sent meanwhile arrive, each once); when the
// session is gone it joins the rooms again and each room sends its snapshot, which is merged by message id, so
// nothing on screen is shown twice. Messages are kept per room by id; what the page sends waits, marked as
// "sending…", until the room echoes it back (matched by a client id, so a resend after a lost connection is
// harmless: the room recognizes it).

import { ActorWsClient, ConnectionState, RequestFailure } from "/actorws.js";

// ---- settings -------------------------------------------------------------------------------------------------

/** The server's limits; /config.json replaces these defaults (they are the same as chat.conf's). */
const config = {
  rooms: ["general", "random", "help"],
  historyLength: 50,
  maxTextLength: 2000,
  maxNameLength: 24,
  maxRoomNameLength: 32,
};

/** While typing, the room is told again at most this often. */
const TYPING_REFRESH_MS = 2000;
/** An indicator not refreshed for this long goes away (a page that vanished never says it stopped). */
const TYPING_EXPIRY_MS = 5000;
/** Messages a room view keeps on screen (the oldest go first). */
const MAX_MESSAGES_ON_SCREEN = 500;
/** A chat wants to be back quickly: retries start at 250 ms and wait at most 4 s (the client's defaults are 500 ms and 30 s). */
const CLIENT_OPTIONS = { persistKey: "chat", backoffBase: 250, backoffCap: 4000 };
/** Messages by the same author closer than this are grouped under one name. */
const GROUP_WINDOW_MS = 5 * 60 * 1000;

const STORAGE_NAME = "chat.name";         // localStorage: the display name, kept across visits
const STORAGE_ROOMS = "chat.rooms";       // sessionStorage: the rooms this tab is in (with the client's resume token)
const STORAGE_CURRENT = "chat.current";   // sessionStorage: the room on screen

const BADGE_TEXT = {
  [ConnectionState.IDLE]: "idle",
  [ConnectionState.CONNECTING]: "connecting…",
  [ConnectionState.OPEN]: "open",
  [ConnectionState.RECONNECTING]: "reconnecting…",
  [ConnectionState.CLOSED]: "closed",
};

// ---- validation: the same rules the server applies ------------------------------------------------------------

function nameProblem(name) {
  if (!name) return "a display name is required";
  if (name.length > config.maxNameLength) return `display names are at most ${config.maxNameLength} characters`;
  if (name.startsWith(" ") || name.endsWith(" ") || /^\p{M}/u.test(name)) return "display names may not start or end with a space";
  if (!/^[\p{L}\p{M}\p{Nd} ._'-]+$/u.test(name)) return "display names may contain only letters, digits, spaces and - _ . '";
  return null;
}

function roomProblem(room) {
  const pattern = new RegExp(`^[a-z0-9][a-z0-9_-]{0,${config.maxRoomNameLength - 1}}$`);
  return pattern.test(room)
    ? null
    : `room names are 1 to ${config.maxRoomNameLength} characters: lowercase letters, digits, - and _, starting with a letter or digit`;
}

function textProblem(text) {
  const trimmed = text.trim();
  if (trimmed.length === 0) return "message is empty";
  if (trimmed.length > config.maxTextLength) return `message longer than ${config.maxTextLength} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/.test(trimmed)) return "message contains control characters";
  return null;
}

// ---- state ----------------------------------------------------------------------------------------------------

/** One room as this page sees it. */
class RoomView {
  constructor(name) {
    this.name = name;
    this.joined = false;
    this.joining = false;
    this.error = null;
    /** id → {id, from, name, text, ts, history} */
    this.messages = new Map();
    /** member id → display name, in join order */
    this.members = new Map();
    /** member id → {name, timer} */
    this.typing = new Map();
    this.unread = 0;
  }

  sortedMessages() {
    return [...this.messages.values()].sort((a, b) => a.id - b.id);
  }
}

const app = {
  name: null,
  client: null,
  rooms: new Map(),
  current: null,
  /** What this page sent and has not seen come back: {cid, room, text, status: sending|sent|unsent|failed, reason}. */
  pending: [],
  resumes: 0,
  sessionsLost: 0,
  typingSent: false,
  typingSentAt: 0,
  typingRoom: null,
};

function roomView(name) {
  let view = app.rooms.get(name);
  if (!view) {
    view = new RoomView(name);
    app.rooms.set(name, view);
  }
  return view;
}

function currentView() {
  return app.current ? roomView(app.current) : null;
}

function storage(kind) {
  try {
    return kind === "local" ? globalThis.localStorage : globalThis.sessionStorage;
  } catch {
    return null; // storage disabled: the page still works, it just forgets
  }
}

function savedRooms() {
  try {
    const rooms = JSON.parse(storage("session")?.getItem(STORAGE_ROOMS) ?? "[]");
    return Array.isArray(rooms) ? rooms.filter(r => typeof r === "string" && roomProblem(r) === null) : [];
  } catch {
    return [];
  }
}

function saveRooms() {
  const joined = [...app.rooms.values()].filter(v => v.joined || v.joining).map(v => v.name);
  try {
    storage("session")?.setItem(STORAGE_ROOMS, JSON.stringify(joined));
    if (app.current) storage("session")?.setItem(STORAGE_CURRENT, app.current);
  } catch {
    // Quota or privacy mode: a reload simply starts over.
  }
}

function newClientId() {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return [...bytes].map(b => b.toString(16).padStart(2, "0")).join("");
}

function reasonOf(err) {
  return err?.reason ?? err?.message ?? String(err);
}

// ---- elements -------------------------------------------------------------------------------------------------

const $ = id => document.getElementById(id);
const ui = {
  meName: $("me-name"),
  rename: $("rename"),
  badge: $("badge"),
  roomList: $("room-list"),
  joinForm: $("join-form"),
  joinInput: $("join-input"),
  joinError: $("join-error"),
  roomTitle: $("room-title"),
  roomInfo: $("room-info"),
  leave: $("leave"),
  rejoin: $("rejoin"),
  banner: $("banner"),
  bannerText: $("banner-text"),
  bannerAction: $("banner-action"),
  messages: $("messages"),
  typing: $("typing"),
  composer: $("composer"),
  text: $("text"),
  send: $("send"),
  notice: $("notice"),
  counter: $("counter"),
  members: $("members"),
  memberCount: $("member-count"),
  nameDialog: $("name-dialog"),
  nameForm: $("name-form"),
  nameInput: $("name-input"),
  nameError: $("name-error"),
  nameCancel: $("name-cancel"),
  nameMax: $("name-max"),
};

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node[key] = value;
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

// ---- connection -----------------------------------------------------------------------------------------------

/** Connects as `name` and joins the rooms this tab was in (or the one asked for). */
async function start(name, initialRoom) {
  app.name = name;
  ui.meName.textContent = name;
  try {
    storage("local")?.setItem(STORAGE_NAME, name);
  } catch {
    // Not kept: asked again next time.
  }
  const client = new ActorWsClient(`/ws?name=${encodeURIComponent(name)}`, CLIENT_OPTIONS);
  app.client = client;
  wire(client);
  let firstWelcome = null;
  const stopWatching = client.on("welcome", w => { firstWelcome ??= w; });
  try {
    await client.connect();
  } catch (err) {
    if (app.client !== client) return;
    showBanner(`Cannot reach the chat server (${reasonOf(err)}).`, "Try again", () => start(name, initialRoom));
    return;
  } finally {
    stopWatching();
  }
  if (app.client !== client) return;
  // A reloaded tab resumes its session, still in its rooms: those send nothing on a repeated join, so ask each for
  // its snapshot. A fresh session gets one from each room as it joins.
  const resumed = firstWelcome?.resumed === true;
  const rooms = [...new Set([...savedRooms(), ...[...app.rooms.values()].filter(v => v.joined).map(v => v.name), initialRoom])];
  select(initialRoom);
  await Promise.all(rooms.map(room => joinRoom(room, { sync: resumed })));
}

/** What the client reports, applied to the page. */
function wire(client) {
  const mine = handler => detail => { if (app.client === client) handler(detail); };
  client.on("state", mine(onState));
  client.on("welcome", mine(w => { if (w.resumed) app.resumes++; }));
  client.on("message", mine(onRoomData));
  client.on("error", mine(onServerError));
  client.on("resumeFailed", mine(() => {
    app.sessionsLost++;
    showNotice("You were away longer than the server keeps a session: rejoined your rooms (what you missed is marked).", "info");
  }));
  client.on("rejoinFailed", mine(({ room, reason }) => {
    const view = roomView(room);
    view.joined = false;
    view.error = reason;
    render();
  }));
}

function onState({ state, attempt, retryIn, reason }) {
  ui.badge.textContent = BADGE_TEXT[state] ?? state;
  ui.badge.dataset.state = state;
  if (state === ConnectionState.RECONNECTING) {
    const next = retryIn === null ? "" : `, next try in ${(retryIn / 1000).toFixed(1)} s`;
    showBanner(`Connection lost: reconnecting (attempt ${attempt}${next}). What you send now goes out once it is back.`);
  } else if (state === ConnectionState.CLOSED) {
    showBanner(`Disconnected: ${reason ?? "closed"}.`, "Reconnect", () => start(app.name, app.current));
  } else if (state === ConnectionState.OPEN) {
    hideBanner();
    // What could not be confirmed before the connection dropped goes again (the room drops a copy it already has).
    for (const p of app.pending) if (p.status === "unsent") deliver(p);
  }
  render();
}

async function joinRoom(name, { sync = false } = {}) {
  const client = app.client;
  const view = roomView(name);
  view.joining = true;
  view.error = null;
  render();
  try {
    await client.join(name);
    view.joined = true;
    if (sync) await client.send(name, { kind: "sync" });
  } catch (err) {
    if (app.client === client) {
      view.joined = false;
      view.error = reasonOf(err);
    }
  } finally {
    view.joining = false;
    saveRooms();
    render();
  }
}

async function leaveRoom(name) {
  const view = roomView(name);
  stopTyping();
  try {
    await app.client.leave(name);
  } catch (err) {
    showNotice(`Could not leave #${name}: ${reasonOf(err)}`);
    return;
  }
  view.joined = false;
  view.members.clear();
  for (const t of view.typing.values()) clearTimeout(t.timer);
  view.typing.clear();
  saveRooms();
  render();
}

// ---- what rooms send ------------------------------------------------------------------------------------------

function onRoomData({ room, data }) {
  if (data === null || typeof data !== "object") return;
  const view = roomView(room);
  switch (data.kind) {
    case "snapshot":
      if (!Array.isArray(data.members) || !Array.isArray(data.history)) return;
      view.joined = true;
      view.members = new Map(data.members.filter(isMember).map(m => [m.id, m.name]));
      for (const entry of data.history) addMessage(view, entry, true);
      break;
    case "say":
      addMessage(view, data, false);
      break;
    case "joined":
      if (isMember(data)) view.members.set(data.id, data.name);
      break;
    case "left":
      if (isMember(data)) {
        view.members.delete(data.id);
        clearTyping(view, data.id);
      }
      break;
    case "typing":
      if (isMember(data) && data.id !== app.client?.sessionId) {
        if (data.active === false) clearTyping(view, data.id);
        else showTyping(view, data.id, data.name);
      }
      break;
    default:
      return;
  }
  render();
}

function isMember(m) {
  return m !== null && typeof m === "object" && typeof m.id === "string" && typeof m.name === "string";
}

function addMessage(view, m, history) {
  if (!Number.isSafeInteger(m?.id) || typeof m.text !== "string" || typeof m.name !== "string") return;
  if (typeof m.cid === "string") app.pending = app.pending.filter(p => !(p.cid === m.cid && p.room === view.name));
  if (view.messages.has(m.id)) return; // already on screen: a snapshot after a rejoin repeats what is known
  view.messages.set(m.id, { id: m.id, from: m.from, name: m.name, text: m.text, ts: m.ts, history });
  clearTyping(view, m.from);
  if (!history && view.name !== app.current && m.from !== app.client?.sessionId) view.unread++;
  if (view.messages.size > MAX_MESSAGES_ON_SCREEN) {
    const oldest = Math.min(...view.messages.keys());
    view.messages.delete(oldest);
  }
}

function showTyping(view, id, name) {
  const known = view.typing.get(id);
  if (known) clearTimeout(known.timer);
  const timer = setTimeout(() => {
    view.typing.delete(id);
    render();
  }, TYPING_EXPIRY_MS);
  view.typing.set(id, { name, timer });
}

function clearTyping(view, id) {
  const known = view.typing.get(id);
  if (!known) return;
  clearTimeout(known.timer);
  view.typing.delete(id);
}

/**
 * An error answering no request: a refusal of something sent without confirmation (a typing notice, a sync). A
 * refused message is not among them: it is sent with a ref, so its refusal rejects its own send (see deliver).
 */
function onServerError({ reason }) {
  showNotice(`The server refused: ${reason}`);
  render();
}

// ---- sending --------------------------------------------------------------------------------------------------

function submit() {
  const view = currentView();
  if (!view) return;
  const problem = textProblem(ui.text.value);
  if (problem) {
    showNotice(problem);
    return;
  }
  if (!view.joined) {
    showNotice(`Join #${view.name} to write here.`);
    return;
  }
  const pending = { cid: newClientId(), room: view.name, text: ui.text.value.trim(), status: "sending", reason: null };
  app.pending.push(pending);
  ui.text.value = "";
  // The message itself ends the typing indicator on every page: no separate notice needed.
  app.typingSent = false;
  app.typingRoom = null;
  showNotice("");
  deliver(pending);
  render({ scrollToEnd: true });
}

/**
 * Sends one message and waits for the room to take it: the server confirms a send only once the room accepted it (its
 * echo has arrived by then), and a refusal (the room's validation, its size or rate limit) rejects with the reason,
 * which the message then shows. What fails for the connection's sake is sent again later.
 */
async function deliver(pending) {
  const client = app.client;
  pending.status = "sending";
  pending.reason = null;
  render();
  try {
    await client.send(pending.room, { kind: "say", text: pending.text, cid: pending.cid }, { confirm: true });
    if (pending.status === "sending") pending.status = "sent"; // accepted; its echo (matched by cid) settles it
  } catch (err) {
    if (!app.pending.includes(pending)) return; // echoed meanwhile
    if (err?.failure === RequestFailure.REJECTED) {
      pending.status = "failed";
      pending.reason = err.reason;
    } else {
      // Timeout, lost or replaced connection: sent again once the (next) connection is open.
      pending.status = "unsent";
      if (app.client !== client || app.client?.state === ConnectionState.OPEN) deliver(pending);
    }
  }
  render();
}

function onComposerInput() {
  const view = currentView();
  const hasText = ui.text.value.trim().length > 0;
  if (hasText && view?.joined) {
    const now = Date.now();
    if (!app.typingSent || app.typingRoom !== view.name || now - app.typingSentAt >= TYPING_REFRESH_MS) sendTyping(view.name, true);
  } else {
    stopTyping();
  }
  renderComposer();
}

function sendTyping(room, active) {
  app.typingSent = active;
  app.typingSentAt = Date.now();
  app.typingRoom = active ? room : null;
  if (app.client?.state !== ConnectionState.OPEN) return; // a stale notice is worse than none
  app.client.send(room, { kind: "typing", active }).catch(() => {});
}

function stopTyping() {
  if (app.typingSent && app.typingRoom) sendTyping(app.typingRoom, false);
}

// ---- rendering ------------------------------------------------------------------------------------------------

let renderQueued = false;
let scrollQueued = false;

/** Renders once for everything that changed in this task. */
function render({ scrollToEnd = false } = {}) {
  scrollQueued ||= scrollToEnd;
  if (renderQueued) return;
  renderQueued = true;
  queueMicrotask(() => {
    renderQueued = false;
    const scroll = scrollQueued;
    scrollQueued = false;
    renderNow(scroll);
  });
}

function renderNow(scrollToEnd) {
  renderRoomList();
  const view = currentView();
  if (!view) return;
  ui.roomTitle.textContent = `#${view.name}`;
  ui.roomInfo.textContent = !app.client ? "choose a display name to start"
    : view.joining ? "joining…"
    : view.error ? `not joined: ${view.error}`
    : view.joined ? "" : "you are not in this room";
  ui.roomInfo.classList.toggle("error", Boolean(view.error));
  ui.leave.hidden = !view.joined;
  ui.rejoin.hidden = view.joined || view.joining || !app.client;
  ui.text.placeholder = `Message #${view.name}`;
  renderMessages(view, scrollToEnd);
  renderMembers(view);
  renderTyping(view);
  renderComposer();
}

function renderRoomList() {
  const names = [...new Set([...config.rooms, ...app.rooms.keys()])];
  ui.roomList.replaceChildren(...names.map(name => {
    const view = app.rooms.get(name);
    const unread = view && view.unread > 0 ? el("span", { class: "unread", textContent: String(view.unread) }) : null;
    return el("li", {},
      el("button", {
        type: "button",
        class: `room-link${name === app.current ? " current" : ""}${view?.joined ? " joined" : ""}`,
        dataset: { room: name },
        onclick: () => openRoom(name),
      }, el("span", { class: "hash", textContent: "#" }), el("span", { class: "room-name", textContent: name }), unread));
  }));
}

/**
 * The room's messages in order, with a divider wherever they switch between history (sent while this page was not
 * in the room: before it joined, or while its session was lost) and live messages.
 */
function renderMessages(view, scrollToEnd) {
  const items = [];
  let previous = null;
  let liveRuns = 0;
  for (const m of view.sortedMessages()) {
    const switched = previous === null ? m.history : previous.history !== m.history;
    if (switched && m.history) {
      items.push(el("li", {
        class: "divider",
        textContent: previous === null ? `Earlier messages (up to ${config.historyLength}, sent before you joined)` : "Sent while you were disconnected",
      }));
    } else if (switched) {
      // The first live messages after the history a join brought are what came since joining; later ones, since a rejoin.
      items.push(el("li", { class: "divider live", textContent: liveRuns === 0 ? "Since you joined" : "Since you came back" }));
    }
    if (!m.history && (previous === null || previous.history)) liveRuns++;
    const grouped = !switched && previous !== null && previous.from === m.from && previous.name === m.name && m.ts - previous.ts < GROUP_WINDOW_MS;
    items.push(messageItem(m, grouped));
    previous = m;
  }
  for (const p of app.pending) if (p.room === view.name) items.push(pendingItem(p));
  if (items.length === 0) {
    items.push(el("li", { class: "empty", textContent: view.joined ? "No messages yet: say hello." : "Join the room to see its messages." }));
  }
  keepingTheEnd(() => ui.messages.replaceChildren(...items));
  if (scrollToEnd) ui.messages.scrollTop = ui.messages.scrollHeight;
}

function messageItem(m, grouped) {
  const mine = m.from === app.client?.sessionId || (m.history && m.name === app.name);
  const time = Number.isFinite(m.ts) ? new Date(m.ts) : null;
  return el("li", {
    class: `msg${mine ? " mine" : ""}${m.history ? " history" : ""}${grouped ? " grouped" : ""}`,
    dataset: { id: String(m.id), history: String(m.history) },
  },
  grouped ? null : el("div", { class: "meta" },
    el("span", { class: "author", textContent: m.name }),
    time ? el("time", { dateTime: time.toISOString(), textContent: time.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) }) : null),
  el("div", { class: "text", textContent: m.text }));
}

function pendingItem(p) {
  const status = p.status === "failed"
    ? el("span", { class: "status failed" }, `Not sent: ${p.reason}. `,
      el("button", { type: "button", class: "link", textContent: "Retry", onclick: () => deliver(p) }), " · ",
      el("button", { type: "button", class: "link", textContent: "Discard", onclick: () => { app.pending = app.pending.filter(x => x !== p); render(); } }))
    : el("span", { class: "status", textContent: p.status === "unsent" ? "waiting for the connection…" : "sending…" });
  return el("li", { class: `msg mine pending${p.status === "failed" ? " failed" : ""}`, dataset: { status: p.status } },
    el("div", { class: "meta" }, el("span", { class: "author", textContent: app.name }), status),
    el("div", { class: "text", textContent: p.text }));
}

function renderMembers(view) {
  const me = app.client?.sessionId;
  const members = [...view.members.entries()];
  ui.memberCount.textContent = view.joined ? String(members.length) : "";
  ui.members.replaceChildren(...members.map(([id, name]) =>
    el("li", { class: id === me ? "me" : "", dataset: { member: id } },
      el("span", { class: "dot" }), el("span", { textContent: name }), id === me ? el("span", { class: "muted", textContent: " (you)" }) : null)));
}

function renderTyping(view) {
  const names = [...view.typing.values()].map(t => t.name);
  let text = "";
  if (names.length === 1) text = `${names[0]} is typing…`;
  else if (names.length === 2) text = `${names[0]} and ${names[1]} are typing…`;
  else if (names.length > 2) text = "Several people are typing…";
  ui.typing.textContent = text;
}

function renderComposer() {
  const view = currentView();
  const length = ui.text.value.trim().length;
  ui.send.disabled = !view?.joined || length === 0 || length > config.maxTextLength;
  const left = config.maxTextLength - length;
  ui.counter.textContent = left < 200 ? `· ${left} left` : "";
  ui.counter.classList.toggle("error", left < 0);
}

/** Runs `change` (which resizes the message list) and keeps the list at its end if it was there. */
function keepingTheEnd(change) {
  const list = ui.messages;
  const atEnd = list.scrollHeight - list.scrollTop - list.clientHeight < 48;
  change();
  if (atEnd) list.scrollTop = list.scrollHeight;
}

function showBanner(text, action = null, onAction = null) {
  keepingTheEnd(() => {
    ui.banner.hidden = false;
    ui.bannerText.textContent = text;
    ui.bannerAction.hidden = !action;
    ui.bannerAction.textContent = action ?? "";
    ui.bannerAction.onclick = onAction;
  });
}

function hideBanner() {
  keepingTheEnd(() => { ui.banner.hidden = true; });
}

function showNotice(text, kind = "error") {
  keepingTheEnd(() => {
    ui.notice.textContent = text;
    ui.notice.dataset.kind = kind;
  });
}

// ---- navigation -----------------------------------------------------------------------------------------------

function select(name) {
  if (app.current && app.current !== name) stopTyping();
  app.current = name;
  roomView(name).unread = 0;
  saveRooms();
  render({ scrollToEnd: true });
}

function openRoom(name) {
  select(name);
  const view = roomView(name);
  if (!view.joined && !view.joining && app.client) joinRoom(name);
  ui.text.focus();
}

function askName(problem = null) {
  ui.nameDialog.hidden = false;
  ui.nameInput.value = app.name ?? "";
  ui.nameError.hidden = !problem;
  ui.nameError.textContent = problem ?? "";
  ui.nameCancel.hidden = !app.name;
  ui.nameInput.focus();
}

async function rename(name) {
  const previous = app.client;
  app.client = null;
  // A new name is a new identity: the old session ends (the rooms see it leave) and a new one joins the same rooms.
  previous?.close();
  for (const p of app.pending) if (p.status !== "failed") p.status = "unsent";
  await start(name, app.current);
}

// ---- events ---------------------------------------------------------------------------------------------------

ui.composer.addEventListener("submit", e => {
  e.preventDefault();
  submit();
});
ui.text.addEventListener("keydown", e => {
  if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    submit();
  }
});
ui.text.addEventListener("input", onComposerInput);
ui.text.addEventListener("blur", () => { if (ui.text.value.trim().length === 0) stopTyping(); });

ui.joinForm.addEventListener("submit", e => {
  e.preventDefault();
  const name = ui.joinInput.value.trim().replace(/^#/, "").toLowerCase();
  const problem = roomProblem(name);
  ui.joinError.hidden = !problem;
  ui.joinError.textContent = problem ?? "";
  if (problem) return;
  ui.joinInput.value = "";
  openRoom(name);
});

ui.leave.addEventListener("click", () => { if (app.current) leaveRoom(app.current); });
ui.rejoin.addEventListener("click", () => { if (app.current) joinRoom(app.current); });
ui.rename.addEventListener("click", () => askName());
ui.nameCancel.addEventListener("click", () => { ui.nameDialog.hidden = true; });
ui.nameForm.addEventListener("submit", e => {
  e.preventDefault();
  const name = ui.nameInput.value.trim();
  const problem = nameProblem(name);
  if (problem) {
    askName(problem);
    ui.nameInput.value = name;
    return;
  }
  ui.nameDialog.hidden = true;
  if (name === app.name && app.client) return;
  if (app.client) rename(name);
  else start(name, app.current);
});

// ---- test hook ------------------------------------------------------------------------------------------------

/**
 * The test hook (read-only; the end-to-end tests read it, people may use it from the console):
 *   state                the client's connection state; badge: the badge's text
 *   name, room           the display name and the room on screen
 *   rooms()              [{name, joined, unread}]
 *   messages(room?)      [{id, from, text, history}] in order (from: the author's display name)
 *   pending()            [{room, text, status, reason}] sent by this page, not yet echoed
 *   members(room?)       display names in join order
 *   typing(room?)        display names of those typing
 *   stats()              {connections, duplicates, ignored, resumes, sessionsLost}
 */
window.chat = Object.freeze({
  get state() { return app.client?.state ?? ConnectionState.IDLE; },
  get badge() { return ui.badge.textContent; },
  get name() { return app.name; },
  get room() { return app.current; },
  rooms: () => [...app.rooms.values()].map(v => ({ name: v.name, joined: v.joined, unread: v.unread })),
  messages: (room = app.current) => (app.rooms.get(room)?.sortedMessages() ?? []).map(m => ({ id: m.id, from: m.name, text: m.text, history: m.history })),
  pending: () => app.pending.map(p => ({ room: p.room, text: p.text, status: p.status, reason: p.reason })),
  members: (room = app.current) => [...(app.rooms.get(room)?.members.values() ?? [])],
  typing: (room = app.current) => [...(app.rooms.get(room)?.typing.values() ?? [])].map(t => t.name),
  stats: () => ({
    connections: app.client?.connectionCount ?? 0,
    duplicates: app.client?.duplicateMessages ?? 0,
    ignored: app.client?.ignoredMessages ?? 0,
    resumes: app.resumes,
    sessionsLost: app.sessionsLost,
  }),
});

// ---- start ----------------------------------------------------------------------------------------------------

async function loadConfig() {
  try {
    const response = await fetch("/config.json", { cache: "no-store" });
    if (response.ok) Object.assign(config, await response.json());
  } catch {
    // The defaults above are the server's defaults.
  }
  ui.text.maxLength = config.maxTextLength;
  ui.nameInput.maxLength = config.maxNameLength;
  ui.nameMax.textContent = String(config.maxNameLength);
  ui.joinInput.maxLength = config.maxRoomNameLength;
}

async function main() {
  await loadConfig();
  const params = new URLSearchParams(location.search);
  const asked = params.get("room")?.toLowerCase();
  const saved = storage("session")?.getItem(STORAGE_CURRENT);
  const initialRoom = [asked, saved, config.rooms[0], "general"].find(r => r && roomProblem(r) === null);
  select(initialRoom);
  let name = params.get("name")?.trim() ?? null;
  if (name === null) {
    try {
      name = storage("local")?.getItem(STORAGE_NAME) ?? null;
    } catch {
      name = null;
    }
  }
  const problem = name === null ? null : nameProblem(name);
  if (name === null || problem) {
    app.name = null;
    ui.meName.textContent = "…";
    askName(problem);
    if (name) ui.nameInput.value = name;
    return;
  }
  await start(name, initialRoom);
}

main();
