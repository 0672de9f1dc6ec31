// Listens on /clock and shows each announcement. Reconnects with capped, jittered backoff if the socket drops.
// Test hook: window.clock = { state, received, last } (read-only view of what the page shows).

const badge = document.getElementById("badge");
const time = document.getElementById("time");
const count = document.getElementById("count");
const stamp = document.getElementById("stamp");
const url = new URL("/clock", location.href);
url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
document.getElementById("url").textContent = url.href;

const view = { state: "connecting", received: 0, last: null };
window.clock = view;

function setState(state, label = state) {
  view.state = state;
  badge.className = `badge ${state}`;
  badge.dataset.state = state;
  badge.textContent = label;
}

let attempt = 0;
function connect() {
  setState(attempt === 0 ? "connecting" : "reconnecting", attempt === 0 ? "connecting" : "reconnecting…");
  const socket = new WebSocket(url);
  socket.onopen = () => { attempt = 0; setState("open"); };
  socket.onmessage = event => {
    let at;
    try { at = new Date(JSON.parse(event.data).time); } catch { return; }
    if (Number.isNaN(at.getTime())) return;
    view.received += 1;
    view.last = at.toISOString();
    time.textContent = at.toLocaleTimeString();
    count.textContent = String(view.received);
    stamp.textContent = view.last;
  };
  socket.onclose = () => {
    attempt += 1;
    const wait = Math.random() * Math.min(10_000, 500 * 2 ** attempt);
    setState("reconnecting", "reconnecting…");
    setTimeout(connect, wait);
  };
}
connect();
