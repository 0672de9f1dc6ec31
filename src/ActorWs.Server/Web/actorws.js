// actorws.js: the browser client of ActorWs's JSON room protocol (served by the server at /actorws.js).
//
//   import { ActorWsClient } from "/actorws.js";
//   const client = new ActorWsClient("/ws");
//   client.on("message", m => console.log(m.room, m.from, m.data));
//   client.on("state", s => status.textContent = s.state);   // connecting / open / reconnecting / closed
//   await client.connect();
//   await client.join("lobby");
//   await client.send("lobby", { text: "hi" });
//
// A plain ES module without dependencies or build step. Requests carry a `ref` and return a Promise for the
// server's reply; the connection is watched by heartbeats, reopened with exponential backoff and full jitter
// when it drops, and the session is resumed from the last sequence number processed, so that nothing is lost
// or delivered twice (from a cluster node, also from the position reached in each room, so that another node can
// take the session over). Nothing the server sends makes the client throw: unknown or malformed messages are counted
// in `ignoredMessages` and otherwise ignored. The protocol itself is described in the README ("The JSON room
// protocol").

/** Connection states, reported by the "state" event and `client.state`. */
export const ConnectionState = Object.freeze({
  IDLE: "idle",
  CONNECTING: "connecting",
  OPEN: "open",
  RECONNECTING: "reconnecting",
  CLOSED: "closed",
});

/** How a request failed: `error.failure` of an {@link ActorWsError}. */
export const RequestFailure = Object.freeze({
  /** The server answered {"op":"error"}; `error.reason` is its reason. */
  REJECTED: "rejected",
  /** No reply (or no open connection) within `requestTimeout`. */
  TIMEOUT: "timeout",
  /** The connection dropped before the reply came; the server may or may not have acted on the request. */
  CONNECTION_LOST: "connection-lost",
  /** The client is closed. */
  CLOSED: "closed",
});

// Protocol values (README, "The JSON room protocol"; RFC 6455 section 7.4).
const MAX_ROOM_NAME_BYTES = 128;
const SEQ_PREFIX_BYTES = 4;
/** From a cluster node, a binary message has seq, the room position (4 bytes) and the room name's length (1 byte) before the name. */
const CLUSTER_PREFIX_BYTES = SEQ_PREFIX_BYTES + 4 + 1;
const SEQ_WINDOW = 2 ** 32;
const JOIN_OPS = new Set(["join", "joinOrCreate", "create", "joinById"]);
const CLOSE_NORMAL = 1000;
/** Application close code (RFC 6455 7.4.2: 4000-4999 are private) for a connection the client gave up on: not 1000, so the session survives. */
const CLOSE_CLIENT_DROPPED = 4000;

const DEFAULTS = Object.freeze({
  requestTimeout: 10_000,
  connectTimeout: 10_000,
  heartbeatInterval: 15_000,
  heartbeatTimeout: 30_000,
  ackInterval: 5_000,
  reconnect: true,
  backoffBase: 500,
  backoffCap: 30_000,
  maxAttempts: Infinity,
  finalCloseCodes: [1000, 1002, 1003, 1007, 1008, 1009, 1010],
  resumeToken: null,
  lastSeq: 0,
  positions: null,
  persistKey: null,
  random: Math.random,
  WebSocket: globalThis.WebSocket,
});

/** A request that did not get an "ok" reply. */
export class ActorWsError extends Error {
  constructor(failure, reason, op) {
    super(`${op}: ${reason}`);
    this.name = "ActorWsError";
    /** One of {@link RequestFailure}. */
    this.failure = failure;
    /** The server's reason for a rejection, else a description. */
    this.reason = reason;
    /** The request's op. */
    this.op = op;
  }
}

/**
 * The wait before reconnection attempt `attempt` (0 for the first): exponential backoff with full jitter,
 * a uniformly random time in [0, min(cap, base * 2^attempt)).
 */
export function backoffDelay(attempt, base, cap, random = Math.random) {
  const ceiling = Math.min(cap, base * 2 ** Math.min(Math.max(attempt, 0), 62));
  return Math.floor(ceiling * Math.min(Math.max(random(), 0), 1));
}

function deferred() {
  let resolve, reject;
  const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

function delay(ms) {
  return new Promise(resolve => setTimeout(resolve, ms));
}

function utf8Length(text) {
  return new TextEncoder().encode(text).length;
}

function validateRoom(room) {
  if (typeof room !== "string" || room.length === 0) throw new TypeError("room must be a non-empty string");
  if (utf8Length(room) > MAX_ROOM_NAME_BYTES) throw new RangeError(`room names are at most ${MAX_ROOM_NAME_BYTES} UTF-8 bytes`);
}

function validateObject(value, name) {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) throw new TypeError(`${name} must be an object`);
  return value;
}

function positiveInteger(value) {
  return Number.isSafeInteger(value) && value > 0 ? value : null;
}

/**
 * The number whose low 32 bits are `low` nearest to `last`: the rule for every counter the protocol cuts to 32 bits
 * on the wire (sequence numbers, room positions).
 */
function widen(last, low) {
  let candidate = Math.floor(last / SEQ_WINDOW) * SEQ_WINDOW + low;
  if (candidate <= last - SEQ_WINDOW / 2) candidate += SEQ_WINDOW;
  else if (candidate > last + SEQ_WINDOW / 2 && candidate >= SEQ_WINDOW) candidate -= SEQ_WINDOW;
  return candidate;
}

/** Positions as given by the application or storage: [{room, type, rseq}], kept only where well-formed. */
function validPositions(list) {
  if (!Array.isArray(list)) return [];
  return list.filter(p => p && typeof p.room === "string" && p.room.length > 0 && typeof p.type === "string" && p.type.length > 0
    && !p.type.includes(":") && Number.isSafeInteger(p.rseq) && p.rseq >= 0);
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * A client of the JSON room protocol. Thread-safety is not a concern in a page; the client may be used from any
 * code, and its event handlers run one at a time, in the order the server sent things.
 */
export class ActorWsClient {
  /**
   * @param {string} url  A ws:// or wss:// URL, or a path ("/ws") resolved against the page (http→ws, https→wss).
   * @param {object} [options]  See DEFAULTS above and the README: requestTimeout, connectTimeout, heartbeatInterval,
   *   heartbeatTimeout, ackInterval, reconnect, backoffBase, backoffCap, maxAttempts, finalCloseCodes, resumeToken,
   *   lastSeq, positions (with resumeToken, from a cluster node: what `client.positions` gave), persistKey, random, WebSocket.
   */
  constructor(url, options = {}) {
    this._options = { ...DEFAULTS, ...options };
    const o = this._options;
    for (const name of ["requestTimeout", "connectTimeout", "backoffBase", "backoffCap"]) {
      if (!(typeof o[name] === "number" && o[name] >= 0)) throw new RangeError(`${name} must be a number >= 0`);
    }
    if (o.heartbeatInterval > 0 && o.heartbeatTimeout < o.heartbeatInterval) throw new RangeError("heartbeatTimeout must be at least heartbeatInterval");
    if (typeof o.WebSocket !== "function") throw new TypeError("no WebSocket implementation: pass options.WebSocket");
    this._url = ActorWsClient._resolveUrl(url);
    this._handlers = new Map();
    this._state = ConnectionState.IDLE;
    this._conn = null;        // the connection being established or open
    this._open = null;        // the connection once open
    this._openWaiters = [];
    this._pending = new Map();
    this._nextRef = 1;
    this._connections = 0;
    this._session = null;
    this._token = o.resumeToken;
    this._lastSeq = o.resumeToken ? Math.max(0, o.lastSeq | 0) : 0;
    // From a cluster node only: room -> {type, rseq}, the position reached in each room the client is in (see _accept).
    this._positions = new Map();
    if (o.resumeToken) this._setPositions(validPositions(o.positions));
    // Whether the last welcome said "cluster": positions given to resume with come from one.
    this._cluster = this._positions.size > 0;
    this._lastAcked = 0;
    this._lastReceived = 0;
    this._chatRooms = [];
    this._gameRooms = [];
    this._timers = [];
    this.ignoredMessages = 0;
    this.duplicateMessages = 0;
    if (o.persistKey) {
      this._restore();
      // The last number processed is saved as the page goes away, for the reloaded page to resume from.
      globalThis.addEventListener?.("pagehide", () => this._persist());
    }
  }

  static _resolveUrl(url) {
    const base = globalThis.location ? globalThis.location.href : undefined;
    const resolved = new URL(url, base);
    if (resolved.protocol === "http:") resolved.protocol = "ws:";
    else if (resolved.protocol === "https:") resolved.protocol = "wss:";
    if (resolved.protocol !== "ws:" && resolved.protocol !== "wss:") throw new TypeError(`expected a ws:// or wss:// URL, got ${url}`);
    return resolved;
  }

  /** The connection state: one of {@link ConnectionState}. */
  get state() { return this._state; }
  /** The session id from the server's welcome (the client's member id in rooms); null before it. */
  get sessionId() { return this._session; }
  /** The resume token of the session (keep it with lastSeq to resume after a reload). */
  get resumeToken() { return this._token; }
  /** The last sequence number delivered to the application. */
  get lastSeq() { return this._lastSeq; }
  /** Whether the server's last welcome said it is a cluster node ("cluster": true): then the client tracks positions. */
  get cluster() { return this._cluster; }
  /**
   * From a cluster node, the position reached in each room the client is in, [{room, type, rseq}] ordered by room name:
   * sent on every resume, so that another node can take the session over. Empty when the server is not a cluster node.
   */
  get positions() {
    return [...this._positions].map(([room, p]) => ({ room, type: p.type, rseq: p.rseq })).sort((a, b) => (a.room < b.room ? -1 : a.room > b.room ? 1 : 0));
  }
  /** Chat rooms the client is in, in join order. */
  get chatRooms() { return [...this._chatRooms]; }
  /** Game rooms the client is in: [{room, type}]. */
  get gameRooms() { return this._gameRooms.map(g => ({ ...g })); }
  /** How many connections have been opened (1 plus each reconnection). */
  get connectionCount() { return this._connections; }

  /**
   * Subscribes to an event: "state", "welcome", "message", "presence", "notice", "binary", "error",
   * "resumeFailed", "rejoined", "rejoinFailed", "gameRoomLost". Returns a function that unsubscribes.
   */
  on(type, handler) {
    if (typeof handler !== "function") throw new TypeError("handler must be a function");
    if (!this._handlers.has(type)) this._handlers.set(type, new Set());
    this._handlers.get(type).add(handler);
    return () => this.off(type, handler);
  }

  /** Unsubscribes a handler given to {@link on}. */
  off(type, handler) {
    this._handlers.get(type)?.delete(handler);
  }

  _emit(type, detail) {
    const handlers = this._handlers.get(type);
    if (!handlers) return;
    for (const handler of [...handlers]) {
      try {
        handler(detail);
      } catch (err) {
        // An application handler's failure must not break the client: report it like an uncaught error.
        if (typeof globalThis.reportError === "function") globalThis.reportError(err);
        else console.error(err);
      }
    }
  }

  _setState(state, { attempt = 0, retryIn = null, reason = null } = {}) {
    const previous = this._state;
    this._state = state;
    this._emit("state", { state, previous, attempt, retryIn, reason });
  }

  /**
   * Opens the first connection; resolves once open: the server's welcome (if it sends one) has been read, so
   * `sessionId` is known, and when resuming a stored session its outcome is known and the rooms are back. One
   * attempt: reconnection starts only after the client has been open. Rejects with an Error (and the client is
   * closed) when it cannot connect.
   */
  async connect() {
    if (this._state !== ConnectionState.IDLE) throw new Error(`the client is ${this._state}; connect() is called once`);
    this._setState(ConnectionState.CONNECTING);
    this._startTimers();
    let failure;
    try {
      const conn = await this._openConnection();
      failure = await this._establish(conn, false);
    } catch (err) {
      failure = err instanceof Error ? err.message : String(err);
    }
    if (failure === null) return;
    this._shutdown(`could not connect: ${failure}`, false);
    throw new Error(`could not connect to ${this._url}: ${failure}`);
  }

  /** Ends the session: close 1000 (the rooms see the client leave at once), no reconnection, waiting requests fail. */
  close() {
    this._shutdown("closed by the client", true);
  }

  _connectionUrl() {
    const url = new URL(this._url);
    url.searchParams.delete("resume");
    url.searchParams.delete("lastSeq");
    url.searchParams.delete("pos");
    if (this._token) {
      url.searchParams.set("resume", this._token);
      url.searchParams.set("lastSeq", String(this._lastSeq));
      // The server splits each value at its first two ':' (room names may hold more).
      if (this._cluster) for (const p of this.positions) url.searchParams.append("pos", `${p.rseq}:${p.type}:${p.room}`);
    }
    return url.toString();
  }

  _openConnection() {
    return new Promise((resolve, reject) => {
      let ws;
      try {
        ws = new this._options.WebSocket(this._connectionUrl());
      } catch (err) {
        reject(err);
        return;
      }
      ws.binaryType = "arraybuffer";
      const conn = {
        ws,
        number: 0,
        askedResume: Boolean(this._token),
        welcome: deferred(),
        lost: deferred(),
        isLost: false,
        closeCode: null,
        dropReason: null,
      };
      let settled = false;
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        ws.onopen = ws.onclose = ws.onerror = ws.onmessage = null;
        try { ws.close(); } catch { /* already closing */ }
        reject(new Error(`no connection within ${this._options.connectTimeout} ms`));
      }, this._options.connectTimeout);
      ws.onopen = () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (this._state === ConnectionState.CLOSED) {
          ws.onclose = null;
          ws.close(CLOSE_NORMAL);
          reject(new Error("the client was closed while connecting"));
          return;
        }
        conn.number = ++this._connections;
        this._conn = conn;
        this._lastReceived = Date.now();
        ws.onmessage = event => {
          this._lastReceived = Date.now();
          try {
            this._dispatch(conn, event.data);
          } catch {
            // Whatever the server sends, the client carries on.
            this.ignoredMessages++;
          }
        };
        ws.onclose = event => this._lost(conn, event.code, conn.dropReason ?? `the connection closed (${event.code}${event.reason ? " " + event.reason : ""})`);
        ws.onerror = null;
        resolve(conn);
      };
      ws.onclose = event => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(new Error(`the connection failed (${event.code})`));
      };
      ws.onerror = null;
    });
  }

  /**
   * Brings a fresh connection to "open": learns whether the server welcomed it (and resumed the session), re-joins
   * the rooms of a lost session. Null on success, else why not.
   *
   * The server sends its welcome as it opens the connection, before it reads anything from the client; so a ping
   * sent right away is answered after the welcome, if there is one. The ping's reply arriving first means a server
   * without welcome (and without resume): no timing guess is needed.
   */
  async _establish(conn, reconnecting) {
    const probe = this._requestOn(conn, "ping", {});
    probe.catch(() => {}); // its failure is looked at below, or no longer matters
    let welcome = null;
    try {
      welcome = await Promise.race([conn.welcome.promise, probe.then(() => null)]);
    } catch (err) {
      return this._state === ConnectionState.CLOSED ? "the client was closed" : `no answer to the first ping: ${err.reason ?? err.message}`;
    }
    // The welcome is read before the probe's reply: if it came at all, it has been seen by now.
    welcome = welcome ?? conn.welcomeDetail ?? null;
    if (this._state === ConnectionState.CLOSED) return "the client was closed";
    let sessionLost = null;
    if (conn.askedResume) {
      if (welcome === null) {
        // A server without welcome is no cluster node either: nothing of the old session's numbering applies.
        this._lastSeq = 0;
        this._positions.clear();
        this._cluster = false;
        sessionLost = "no welcome from the server";
      } else if (!welcome.resumed) {
        sessionLost = welcome.resumeError ?? "the server started a new session";
      }
    } else if (reconnecting) {
      sessionLost = "the server offers no resume (no resume token)";
    }
    if (sessionLost !== null && !(await this._recoverLostSession(conn, sessionLost))) return "the connection dropped while re-joining rooms";
    if (this._conn !== conn || conn.isLost) return "the connection dropped";
    if (this._state === ConnectionState.CLOSED) return "the client was closed";
    this._open = conn;
    this._setState(ConnectionState.OPEN);
    const waiters = this._openWaiters;
    this._openWaiters = [];
    for (const waiter of waiters) waiter.resolve(conn);
    return null;
  }

  /** The previous session is gone: report it, give up game rooms (the app decides), join chat rooms again. */
  async _recoverLostSession(conn, reason) {
    const chatRooms = [...this._chatRooms];
    const gameRooms = this._gameRooms;
    this._gameRooms = [];
    this._emit("resumeFailed", { reason, chatRooms, gameRooms: gameRooms.map(g => ({ ...g })) });
    for (const game of gameRooms) this._emit("gameRoomLost", { ...game });
    const joins = chatRooms.map(room => this._requestOn(conn, "join", { room }));
    for (let i = 0; i < chatRooms.length; i++) {
      try {
        const reply = await joins[i];
        this._emit("rejoined", { room: chatRooms[i], members: Array.isArray(reply.members) ? reply.members : [] });
      } catch (err) {
        if (err instanceof ActorWsError && err.failure === RequestFailure.REJECTED) {
          this._forgetRoom(chatRooms[i]);
          this._emit("rejoinFailed", { room: chatRooms[i], reason: err.reason });
        } else {
          this._drop(conn, err.reason ?? String(err));
          return false;
        }
      }
    }
    return true;
  }

  /** The connection ended: fail what waited on it, then reconnect or close. */
  _lost(conn, code, reason) {
    if (conn.isLost) return;
    conn.isLost = true;
    conn.closeCode = code;
    conn.ws.onmessage = conn.ws.onclose = conn.ws.onerror = null;
    conn.lost.resolve(reason);
    this._failPending(p => p.conn === conn, RequestFailure.CONNECTION_LOST, reason);
    if (this._conn === conn) this._conn = null;
    if (this._open !== conn) return; // while connecting, the code establishing the connection sees the loss
    this._open = null;
    const o = this._options;
    if (!o.reconnect || o.maxAttempts <= 0 || o.finalCloseCodes.includes(code)) {
      this._shutdown(reason, false);
      return;
    }
    const retryIn = backoffDelay(0, o.backoffBase, o.backoffCap, o.random);
    this._setState(ConnectionState.RECONNECTING, { attempt: 1, retryIn, reason });
    this._reconnectLoop(retryIn);
  }

  /** Drops a connection the client gave up on (heartbeat timeout, failed rejoin); not 1000, so the session survives. */
  _drop(conn, reason) {
    conn.dropReason = reason;
    try { conn.ws.close(CLOSE_CLIENT_DROPPED, "dropped by client"); } catch { /* already closed */ }
    // Do not wait for a close handshake a dead peer will never finish.
    this._lost(conn, CLOSE_CLIENT_DROPPED, reason);
  }

  async _reconnectLoop(wait) {
    const o = this._options;
    for (let attempt = 1; ; attempt++) {
      await delay(wait);
      if (this._state === ConnectionState.CLOSED) return;
      let failure;
      let conn = null;
      try {
        conn = await this._openConnection();
        failure = await this._establish(conn, true);
        if (failure === null) return;
        this._drop(conn, failure);
      } catch (err) {
        failure = err instanceof Error ? err.message : String(err);
      }
      if (this._state === ConnectionState.CLOSED) return;
      if (conn && o.finalCloseCodes.includes(conn.closeCode)) {
        this._shutdown(`the server closed the connection with ${conn.closeCode}: ${failure}`, false);
        return;
      }
      if (attempt >= o.maxAttempts) {
        this._shutdown(`gave up after ${attempt} reconnection attempts: ${failure}`, false);
        return;
      }
      wait = backoffDelay(attempt, o.backoffBase, o.backoffCap, o.random);
      this._setState(ConnectionState.RECONNECTING, { attempt: attempt + 1, retryIn: wait, reason: failure });
    }
  }

  _shutdown(reason, sendClose) {
    if (this._state === ConnectionState.CLOSED) return;
    const conn = this._conn;
    this._conn = null;
    this._open = null;
    this._setState(ConnectionState.CLOSED, { reason });
    for (const timer of this._timers) clearInterval(timer);
    this._timers = [];
    this._failPending(() => true, RequestFailure.CLOSED, reason);
    const waiters = this._openWaiters;
    this._openWaiters = [];
    for (const waiter of waiters) waiter.reject(new ActorWsError(RequestFailure.CLOSED, reason, waiter.op));
    if (conn) {
      conn.isLost = true;
      conn.ws.onmessage = conn.ws.onclose = conn.ws.onerror = null;
      conn.lost.resolve(reason);
      try { conn.ws.close(sendClose ? CLOSE_NORMAL : CLOSE_CLIENT_DROPPED); } catch { /* already closed */ }
    }
    if (sendClose && this._options.persistKey) this._forget();
  }

  _failPending(match, failure, reason) {
    for (const [ref, pending] of this._pending) {
      if (!match(pending)) continue;
      this._pending.delete(ref);
      clearTimeout(pending.timer);
      pending.reject(new ActorWsError(failure, reason, pending.op));
    }
  }

  /** The open connection, waiting (up to requestTimeout) while the client connects or reconnects. */
  _whenOpen(op) {
    if (this._open) return Promise.resolve(this._open);
    if (this._state === ConnectionState.CLOSED) return Promise.reject(new ActorWsError(RequestFailure.CLOSED, "the client is closed", op));
    if (this._state === ConnectionState.IDLE) return Promise.reject(new Error("call connect() first"));
    return new Promise((resolve, reject) => {
      const waiter = { op, resolve: conn => { clearTimeout(timer); resolve(conn); }, reject: err => { clearTimeout(timer); reject(err); } };
      const timer = setTimeout(() => {
        this._openWaiters = this._openWaiters.filter(w => w !== waiter);
        reject(new ActorWsError(RequestFailure.TIMEOUT, `no open connection within ${this._options.requestTimeout} ms`, op));
      }, this._options.requestTimeout);
      this._openWaiters.push(waiter);
    });
  }

  _sendJson(conn, message, op) {
    if (conn.isLost || conn.ws.readyState !== 1) throw new ActorWsError(RequestFailure.CONNECTION_LOST, "the connection dropped", op);
    conn.ws.send(JSON.stringify(message));
  }

  /** Sends {op, ref, ...fields} on `conn` and resolves with the reply. */
  _requestOn(conn, op, fields) {
    return new Promise((resolve, reject) => {
      const ref = this._nextRef++;
      const timer = setTimeout(() => {
        this._pending.delete(ref);
        reject(new ActorWsError(RequestFailure.TIMEOUT, `no reply within ${this._options.requestTimeout} ms`, op));
      }, this._options.requestTimeout);
      this._pending.set(ref, { conn, op, resolve, reject, timer });
      try {
        this._sendJson(conn, { ...fields, op, ref }, op);
      } catch (err) {
        this._pending.delete(ref);
        clearTimeout(timer);
        reject(err);
      }
    });
  }

  /**
   * Sends {"op": op, "ref": n, ...fields} and resolves with the server's reply object (rejects with an
   * {@link ActorWsError}). For ops this client has no method for.
   */
  async request(op, fields = {}) {
    if (typeof op !== "string" || op.length === 0) throw new TypeError("op must be a non-empty string");
    validateObject(fields, "fields");
    const conn = await this._whenOpen(op);
    return this._requestOn(conn, op, fields ?? {});
  }

  /** Joins (creating if needed) a chat room by name; resolves with {room, members}. Re-joined by itself after a lost session. */
  async join(room) {
    validateRoom(room);
    const reply = await this.request("join", { room });
    if (!this._chatRooms.includes(room)) this._chatRooms.push(room);
    return { room: reply.room ?? room, members: Array.isArray(reply.members) ? reply.members : [] };
  }

  /** Leaves a chat or game room. */
  async leave(room) {
    validateRoom(room);
    await this.request("leave", { room });
    this._forgetRoom(room);
  }

  /**
   * Sends `data` (any JSON value) to a room the client is in. Without `{confirm: true}` there is no ref: the
   * promise resolves once the message is handed to the socket, and a refusal arrives as an "error" event.
   * With it, the promise resolves once the room accepted the message (within its limits, not refused by its logic;
   * what the room sent in handling it has arrived by then) and rejects with the reason when it refused.
   */
  async send(room, data, { confirm = false } = {}) {
    validateRoom(room);
    if (data === undefined) throw new TypeError("data must be a JSON value");
    if (confirm) {
      await this.request("send", { room, data });
      return;
    }
    const conn = await this._whenOpen("send");
    this._sendJson(conn, { op: "send", room, data }, "send");
  }

  /** Sends a binary message (ArrayBuffer, typed array, DataView or Blob) to the game room joined last. */
  async sendBinary(bytes) {
    if (!(bytes instanceof ArrayBuffer || ArrayBuffer.isView(bytes) || (typeof Blob !== "undefined" && bytes instanceof Blob))) {
      throw new TypeError("bytes must be an ArrayBuffer, a typed array, a DataView or a Blob");
    }
    const conn = await this._whenOpen("binary");
    if (conn.isLost || conn.ws.readyState !== 1) throw new ActorWsError(RequestFailure.CONNECTION_LOST, "the connection dropped", "binary");
    conn.ws.send(bytes);
  }

  /** Matchmaking: the first room of `type` neither full nor locked, created when there is none. Resolves with {room, type, members}. */
  joinOrCreate(type, options) {
    return this._gameJoin("joinOrCreate", { type }, options);
  }

  /** Always creates a new room of `type` and joins it. */
  create(type, options) {
    return this._gameJoin("create", { type }, options);
  }

  /** Joins the game room `roomId`; rejects with reason "room is full", "room is locked" or "no such room". */
  joinById(roomId, options) {
    validateRoom(roomId);
    return this._gameJoin("joinById", { room: roomId }, options);
  }

  async _gameJoin(op, key, options) {
    if (key.type !== undefined && (typeof key.type !== "string" || key.type.length === 0)) throw new TypeError("type must be a non-empty string");
    const fields = { ...key };
    if (validateObject(options, "options")) fields.options = options;
    const reply = await this.request(op, fields);
    const joined = {
      room: typeof reply.room === "string" ? reply.room : key.room,
      type: typeof reply.type === "string" ? reply.type : key.type ?? null,
      members: Array.isArray(reply.members) ? reply.members : [],
    };
    if (!joined.room) throw new ActorWsError(RequestFailure.REJECTED, "the reply names no room", op);
    this._gameRooms = this._gameRooms.filter(g => g.room !== joined.room);
    this._gameRooms.push({ room: joined.room, type: joined.type });
    return joined;
  }

  /**
   * One page of the rooms of `type` (all when omitted) whose metadata has every field of `filter` equal:
   * [{room, type, clients, maxClients, locked, metadata}], the first page (50 rooms) unless `page` says otherwise
   * (`{limit, cursor}`, as for listRoomsPage). listRoomsPage also gives the cursor of the next page.
   */
  async listRooms(type, filter, page) {
    return (await this.listRoomsPage(type, filter, page)).rooms;
  }

  /**
   * One page of a listing: `{rooms, next}`. `limit` is 1-200 (the server's 50 when omitted); `cursor` is the previous
   * page's `next` (omitted or null: the first page); `next` is null on the last page. A page may hold fewer rooms than
   * `limit` while `next` is not null (a filter skipped many): keep asking until it is null.
   */
  async listRoomsPage(type, filter, { limit, cursor } = {}) {
    const fields = {};
    if (type !== undefined && type !== null) fields.type = type;
    if (validateObject(filter, "filter")) fields.filter = filter;
    if (limit !== undefined && limit !== null) {
      if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new RangeError("limit must be an integer from 1 to 200");
      fields.limit = limit;
    }
    if (cursor !== undefined && cursor !== null) {
      if (typeof cursor !== "string") throw new TypeError("cursor must be a string (a listing's next)");
      fields.cursor = cursor;
    }
    const reply = await this.request("listRooms", fields);
    return { rooms: Array.isArray(reply.rooms) ? reply.rooms : [], next: typeof reply.next === "string" ? reply.next : null };
  }

  /** An application heartbeat round trip; resolves with the time it took in milliseconds. */
  async ping() {
    const start = performance.now();
    await this.request("ping");
    return performance.now() - start;
  }

  _forgetRoom(room) {
    this._chatRooms = this._chatRooms.filter(r => r !== room);
    this._gameRooms = this._gameRooms.filter(g => g.room !== room);
    this._positions.delete(room);
  }

  _setPositions(list) {
    this._positions.clear();
    for (const p of list) this._positions.set(p.room, { type: p.type, rseq: p.rseq });
  }

  // ---- receiving ------------------------------------------------------------------------------------------------

  /**
   * Whether a message is new: unnumbered ones always are, numbered ones only past the last delivered. A new one from
   * a cluster node moves the client's position in its room (never back; a room without an entry, its type unknown, is
   * not tracked).
   */
  _accept(seq, pos = null) {
    if (seq !== null) {
      if (seq <= this._lastSeq) {
        this.duplicateMessages++;
        return false;
      }
      this._lastSeq = seq;
    }
    const entry = this._cluster && pos ? this._positions.get(pos.room) : undefined;
    if (entry && pos.rseq > entry.rseq) entry.rseq = pos.rseq;
    return true;
  }

  /** A message's `pos` ({room, rseq}); null when absent or malformed. */
  static _position(pos) {
    if (pos === null || typeof pos !== "object" || typeof pos.room !== "string" || !Number.isSafeInteger(pos.rseq) || pos.rseq < 0) return null;
    return { room: pos.room, rseq: pos.rseq };
  }

  /** seq (4 bytes, big-endian) then the payload; from a cluster node, the room position and the room name (1 byte of length, UTF-8) in between. */
  _dispatchBinary(data) {
    if (data.byteLength < SEQ_PREFIX_BYTES) {
      this.ignoredMessages++;
      return;
    }
    const view = new DataView(data);
    const seq = widen(this._lastSeq, view.getUint32(0, false));
    if (!this._cluster) {
      if (this._accept(seq)) this._emit("binary", { data: new Uint8Array(data, SEQ_PREFIX_BYTES), seq });
      return;
    }
    const nameLength = data.byteLength >= CLUSTER_PREFIX_BYTES ? view.getUint8(CLUSTER_PREFIX_BYTES - 1) : -1;
    let room;
    try {
      if (nameLength < 1 || nameLength > MAX_ROOM_NAME_BYTES || data.byteLength < CLUSTER_PREFIX_BYTES + nameLength) throw new RangeError("bad room name");
      room = strictUtf8.decode(new Uint8Array(data, CLUSTER_PREFIX_BYTES, nameLength));
    } catch {
      this.ignoredMessages++;
      return;
    }
    const rseq = widen(this._positions.get(room)?.rseq ?? 0, view.getUint32(SEQ_PREFIX_BYTES, false));
    if (this._accept(seq, { room, rseq })) this._emit("binary", { data: new Uint8Array(data, CLUSTER_PREFIX_BYTES + nameLength), seq, room });
  }

  _dispatch(conn, data) {
    if (data instanceof ArrayBuffer) {
      this._dispatchBinary(data);
      return;
    }
    let m;
    try {
      m = JSON.parse(data);
    } catch {
      this.ignoredMessages++;
      return;
    }
    if (m === null || typeof m !== "object" || Array.isArray(m)) {
      this.ignoredMessages++;
      return;
    }
    const seq = positiveInteger(m.seq);
    const pos = ActorWsClient._position(m.pos);
    const str = v => (typeof v === "string" ? v : null);
    switch (m.op) {
      case "reply": {
        const pending = typeof m.ref === "number" ? this._pending.get(m.ref) : undefined;
        if (!pending) {
          this.ignoredMessages++;
          return;
        }
        this._pending.delete(m.ref);
        clearTimeout(pending.timer);
        // A join's room gets its position entry here, with the type only the reply gives, before any message from it.
        if (this._cluster && JOIN_OPS.has(pending.op) && str(m.room) !== null && str(m.type) !== null) {
          const entry = this._positions.get(m.room);
          if (!entry || entry.type !== m.type) this._positions.set(m.room, { type: m.type, rseq: 0 });
        }
        pending.resolve(m);
        return;
      }
      case "error": {
        const reason = str(m.reason) ?? "error without a reason";
        const pending = typeof m.ref === "number" ? this._pending.get(m.ref) : undefined;
        if (pending) {
          this._pending.delete(m.ref);
          clearTimeout(pending.timer);
          pending.reject(new ActorWsError(RequestFailure.REJECTED, reason, pending.op));
        } else {
          this._emit("error", { reason });
        }
        return;
      }
      case "welcome":
        this._welcome(conn, m);
        return;
      case "message":
        if (str(m.room) === null || !("data" in m)) break;
        if (this._accept(seq, pos)) this._emit("message", { room: m.room, from: str(m.from), data: m.data, seq });
        return;
      case "presence":
        if (str(m.room) === null || str(m.member) === null || (m.event !== "join" && m.event !== "leave")) break;
        if (this._accept(seq, pos)) this._emit("presence", { room: m.room, member: m.member, event: m.event, seq });
        return;
      case "notice":
        if (str(m.room) === null || str(m.event) === null) break;
        if (!this._accept(seq, pos)) return;
        if (m.event === "closed") this._forgetRoom(m.room);
        // A room lost with its node that took the session into its next life numbers its positions from 0 again.
        else if (m.event === "restarted" && Number.isSafeInteger(m.incarnation)) {
          const entry = this._positions.get(m.room);
          if (entry) entry.rseq = 0;
        }
        this._emit("notice", { room: m.room, event: m.event, reason: str(m.reason), seq });
        return;
    }
    this.ignoredMessages++;
  }

  /**
   * A new session numbers from 1 again, so the numbering (and the room positions) is reset here, before its first
   * message is read.
   */
  _welcome(conn, m) {
    // A route that cannot resume sends a null token: the session is known, resuming it is not possible.
    const tokenOk = m.token === undefined || m.token === null || (typeof m.token === "string" && m.token.length > 0);
    if (typeof m.session !== "string" || !tokenOk || conn.welcomed) {
      this.ignoredMessages++;
      return;
    }
    conn.welcomed = true;
    const resumed = m.resumed === true && conn.askedResume;
    if (!resumed) {
      this._lastSeq = 0;
      this._lastAcked = 0;
    }
    // Positions are kept only while the server numbers rooms, and only for the session they were read in.
    if (!resumed || m.cluster !== true) this._positions.clear();
    this._cluster = m.cluster === true;
    this._session = m.session;
    this._token = m.token ?? null;
    const welcome = {
      session: m.session,
      token: this._token,
      resumed,
      lastSeq: positiveInteger(m.lastSeq) ?? (m.lastSeq === 0 ? 0 : null),
      resumeError: typeof m.resumeError === "string" ? m.resumeError : null,
      cluster: this._cluster,
    };
    conn.welcomeDetail = welcome;
    this._persist();
    this._emit("welcome", welcome);
    conn.welcome.resolve(welcome);
  }

  // ---- timers ---------------------------------------------------------------------------------------------------

  _startTimers() {
    const o = this._options;
    if (o.heartbeatInterval > 0) this._timers.push(setInterval(() => this._heartbeat(), o.heartbeatInterval));
    if (o.ackInterval > 0) this._timers.push(setInterval(() => this._ack(), o.ackInterval));
  }

  /** A connection silent for heartbeatTimeout is dead (a half-open TCP connection never says so): drop it. */
  _heartbeat() {
    const conn = this._open;
    if (!conn) return;
    const silent = Date.now() - this._lastReceived;
    if (silent >= this._options.heartbeatTimeout) {
      this._drop(conn, `no traffic from the server for ${silent} ms (heartbeat timeout)`);
      return;
    }
    // The reply is the traffic the next check looks for; a missing one is judged then.
    this._requestOn(conn, "ping", {}).catch(() => {});
  }

  /** Tells the server how far the client has processed, so it can drop what it keeps for a resume. */
  _ack() {
    const conn = this._open;
    this._persist();
    if (!conn || !this._token || this._lastSeq <= this._lastAcked) return;
    try {
      this._sendJson(conn, { op: "ack", seq: this._lastSeq }, "ack");
      this._lastAcked = this._lastSeq;
    } catch {
      // The next tick sends a later number anyway.
    }
  }

  // ---- persistence across page reloads (options.persistKey) -----------------------------------------------------

  _storage() {
    try {
      return globalThis.sessionStorage ?? null;
    } catch {
      return null; // storage disabled by the browser
    }
  }

  _restore() {
    try {
      const saved = JSON.parse(this._storage()?.getItem(this._options.persistKey) ?? "null");
      if (saved && typeof saved.token === "string" && saved.token.length > 0) {
        this._token = saved.token;
        this._lastSeq = Number.isSafeInteger(saved.lastSeq) && saved.lastSeq >= 0 ? saved.lastSeq : 0;
        this._cluster = saved.cluster === true;
        this._setPositions(this._cluster ? validPositions(saved.positions) : []);
      }
    } catch {
      // A corrupt entry is as good as none.
    }
  }

  _persist() {
    if (!this._options.persistKey || !this._token) return;
    try {
      const saved = { token: this._token, lastSeq: this._lastSeq };
      if (this._cluster) Object.assign(saved, { cluster: true, positions: this.positions });
      this._storage()?.setItem(this._options.persistKey, JSON.stringify(saved));
    } catch {
      // Quota or privacy mode: resume after a reload is simply not available.
    }
  }

  _forget() {
    try {
      this._storage()?.removeItem(this._options.persistKey);
    } catch {
      // Nothing to forget.
    }
  }
}

export default ActorWsClient;
