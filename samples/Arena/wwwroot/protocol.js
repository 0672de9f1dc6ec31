// protocol.js: the arena's wire format, the browser's side of it. The server's C# twins are
// Protocol/StateFrameWriter.cs (encoding), Protocol/StateFrameReader.cs (the same checks and error texts as
// decodeStateFrame below) and Protocol/ArenaInput.cs (what the inputs encoded here must look like).
//
// State frame (room -> page, binary, little-endian, after the 4-byte sequence number actorws.js strips):
//   header  8 bytes  kind u8 (1 keyframe, 2 delta) | players u8 | items u8 | pickups u8 | tick u32
//   player  7 bytes  slot u8 | x u16 | y u16 | score u16      absolute values, x/y in 1/16 world units
//   item    5 bytes  id u8 | x u16 | y u16                    appeared (keyframe: every item present)
//   pickup  2 bytes  item id u8 | slot u8                     the item is gone, that slot scored
// Inputs (page -> room, binary): 0x01 dx dy (steer, signed bytes) | 0x02 (sync: send me roster + keyframe).

/** What a state frame holds. */
export const FrameKind = Object.freeze({ KEYFRAME: 1, DELTA: 2 });

/** The first byte of an input. */
export const InputKind = Object.freeze({ STEER: 0x01, SYNC: 0x02 });

/** The field, as the server's ArenaRules has it (the roster repeats it; these bound what a frame may say). */
export const WORLD = Object.freeze({ width: 1200, height: 700, scale: 16, playerRadius: 18, itemRadius: 10 });

/** Slots per arena: player records carry 0-7. */
export const MAX_SLOTS = 8;

/** The largest component of a steer input. */
export const MAX_STEER = 127;

const HEADER_SIZE = 8;
const PLAYER_SIZE = 7;
const ITEM_SIZE = 5;
const PICKUP_SIZE = 2;
const MAX_X = WORLD.width * WORLD.scale;
const MAX_Y = WORLD.height * WORLD.scale;

/**
 * Decodes a state frame (a Uint8Array, ArrayBuffer or DataView). Never throws: returns
 * {ok: true, frame: {kind, tick, players: [{slot, x, y, score}], items: [{id, x, y}], pickups: [{itemId, slot}]}}
 * with positions in fixed point, or {ok: false, error} saying what is wrong with it.
 */
export function decodeStateFrame(input) {
  let bytes;
  if (input instanceof Uint8Array) bytes = input;
  else if (input instanceof ArrayBuffer) bytes = new Uint8Array(input);
  else if (ArrayBuffer.isView(input)) bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  else return { ok: false, error: "not binary data" };
  const fail = error => ({ ok: false, error });
  if (bytes.length < HEADER_SIZE) return fail(`frame of ${bytes.length} bytes is shorter than the ${HEADER_SIZE}-byte header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const kind = bytes[0];
  if (kind !== FrameKind.KEYFRAME && kind !== FrameKind.DELTA) return fail(`unknown frame kind ${kind}`);
  const playerCount = bytes[1], itemCount = bytes[2], pickupCount = bytes[3];
  const expected = HEADER_SIZE + playerCount * PLAYER_SIZE + itemCount * ITEM_SIZE + pickupCount * PICKUP_SIZE;
  if (bytes.length !== expected) return fail(`frame of ${bytes.length} bytes, its counts need ${expected}`);
  if (kind === FrameKind.KEYFRAME && pickupCount !== 0) return fail("a keyframe lists no pickups");
  const tick = view.getUint32(4, true);
  let offset = HEADER_SIZE;

  const players = [];
  let seenSlots = 0;
  for (let i = 0; i < playerCount; i++, offset += PLAYER_SIZE) {
    const slot = bytes[offset];
    const x = view.getUint16(offset + 1, true), y = view.getUint16(offset + 3, true), score = view.getUint16(offset + 5, true);
    if (slot >= MAX_SLOTS) return fail(`player slot ${slot} out of range`);
    if (seenSlots & (1 << slot)) return fail(`player slot ${slot} listed twice`);
    seenSlots |= 1 << slot;
    if (x > MAX_X || y > MAX_Y) return fail(`position (${x}, ${y}) outside the field`);
    players.push({ slot, x, y, score });
  }

  const items = [];
  const seenItems = new Set();
  for (let i = 0; i < itemCount; i++, offset += ITEM_SIZE) {
    const id = bytes[offset];
    const x = view.getUint16(offset + 1, true), y = view.getUint16(offset + 3, true);
    if (seenItems.has(id)) return fail(`item ${id} listed twice`);
    seenItems.add(id);
    if (x > MAX_X || y > MAX_Y) return fail(`position (${x}, ${y}) outside the field`);
    items.push({ id, x, y });
  }

  const pickups = [];
  for (let i = 0; i < pickupCount; i++, offset += PICKUP_SIZE) {
    const slot = bytes[offset + 1];
    if (slot >= MAX_SLOTS) return fail(`player slot ${slot} out of range`);
    pickups.push({ itemId: bytes[offset], slot });
  }
  return { ok: true, frame: { kind, tick, players, items, pickups } };
}

/**
 * A steer input for direction (dx, dy) (any numbers; y grows downwards). The length, capped at 1, is the
 * throttle: (1, 0) is full speed right, (0.5, 0) half speed, (1, 1) full speed diagonally (not faster).
 */
export function encodeSteer(dx, dy) {
  const x = Number.isFinite(dx) ? dx : 0;
  const y = Number.isFinite(dy) ? dy : 0;
  const length = Math.hypot(x, y);
  const out = new Int8Array([InputKind.STEER, 0, 0]);
  if (length > 0) {
    const scale = (MAX_STEER * Math.min(1, length)) / length;
    out[1] = Math.round(x * scale);
    out[2] = Math.round(y * scale);
  }
  return new Uint8Array(out.buffer);
}

/** The sync request: the room answers with the roster and a keyframe. */
export function encodeSync() {
  return new Uint8Array([InputKind.SYNC]);
}
