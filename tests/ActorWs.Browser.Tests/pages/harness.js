// The test harness: drives an ActorWsClient for the browser tests (through window.harness) and shows what
// happens, so that every screenshot tells the story of its test.
import { ActorWsClient, backoffDelay } from "/actorws.js";

const $ = id => document.getElementById(id);
const members = new Map(); // room -> Set of member ids

function line(list, html) {
  const li = document.createElement("li");
  li.innerHTML = html;
  $(list).append(li);
  return li;
}

function escape(text) {
  return String(text).replace(/[&<>"]/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

function renderMembers() {
  $("members").replaceChildren();
  for (const [room, ids] of members) {
    line("members", `<strong>${escape(room)}</strong>`);
    for (const id of ids) line("members", `&nbsp;&nbsp;${escape(id)}${id === harness.client?.sessionId ? " <span class=muted>(me)</span>" : ""}`);
  }
}

const harness = {
  client: null,
  events: [],
  state: "idle",

  /** Creates the client with `options` (url defaults to "/ws" on this page's origin) and connects. */
  async connect(options = {}) {
    const { url = "/ws", ...rest } = options;
    const client = new ActorWsClient(url, rest);
    harness.client = client;
    for (const type of ["state", "welcome", "message", "presence", "notice", "binary", "error", "resumeFailed", "rejoined", "rejoinFailed", "gameRoomLost"]) {
      client.on(type, detail => harness.record(type, detail));
    }
    await client.connect();
    return client.sessionId;
  },

  /** Calls a client method; returns {ok: result} or {error: {name, failure, reason, message}} (never throws). */
  async call(method, args = []) {
    try {
      const result = await harness.client[method](...args);
      if (method === "join" || method === "joinOrCreate" || method === "create" || method === "joinById") {
        members.set(result.room, new Set(result.members));
        renderMembers();
      }
      return { ok: result === undefined ? null : result };
    } catch (err) {
      return { error: { name: err.name, failure: err.failure ?? null, reason: err.reason ?? null, message: err.message } };
    }
  },

  record(type, detail) {
    const copy = type === "binary" ? { data: Array.from(detail.data), seq: detail.seq, room: detail.room ?? null } : detail;
    harness.events.push({ type, detail: copy });
    switch (type) {
      case "state":
        harness.state = detail.state;
        $("state").textContent = detail.state === "reconnecting" ? "reconnecting…" : detail.state;
        $("state").dataset.state = detail.state;
        $("reason").textContent = detail.reason ?? "";
        break;
      case "welcome":
        $("session").textContent = detail.session + (detail.resumed ? " (resumed)" : "");
        break;
      case "message":
        line("messages", `<span class=from>${escape(detail.from ?? detail.room)}</span>${escape(JSON.stringify(detail.data))}<span class=seq>#${detail.seq ?? "-"}</span>`);
        break;
      case "presence": {
        const set = members.get(detail.room) ?? new Set();
        if (detail.event === "join") set.add(detail.member); else set.delete(detail.member);
        members.set(detail.room, set);
        renderMembers();
        break;
      }
      case "rejoined":
        members.set(detail.room, new Set(detail.members));
        renderMembers();
        break;
    }
    const summary = type === "message" ? `${detail.room} #${detail.seq ?? "-"}` : JSON.stringify(copy).slice(0, 90);
    line("log", `${escape(type)} <span class=muted>${escape(summary)}</span>`);
  },

  /** The recorded events of one type. */
  of(type) {
    return harness.events.filter(e => e.type === type).map(e => e.detail);
  },

  backoffDelay,
};

window.harness = harness;
