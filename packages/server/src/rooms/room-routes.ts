import type { Context, Hono } from 'hono';
import {
  MAX_ROOM_STATE_BYTES,
  isRoomState,
  isValidRoom,
  isValidUid,
  roomStateBytes,
  type RoomState,
  type Uid,
} from '@presence-kit/core';
import { currentUser } from '../current-user.js';
import { errorResponse } from '../errors.js';
import type { FaultLog } from '../fault-log.js';
import type { ResolvedOptions } from '../options.js';
import { limitBody, unknownParameter } from '../request-checks.js';
import { checkRoomAllowed, invalidRoomMessage } from './room-subscription.js';
import type { Rooms } from './rooms.js';

const tooLarge = (c: Context, bytes?: number) =>
  errorResponse(
    c,
    413,
    'payload_too_large',
    `A room state may take at most ${MAX_ROOM_STATE_BYTES} bytes of JSON${bytes === undefined ? '' : ` and this one takes ${bytes}`}; keep it small (a colour, a status, ids), nothing was sent.`,
  );

/**
 * The room routes beside the session ones: `POST /room-state` and `POST /room-typing` (the
 * signed-in user's own state and typing in a room one of their pages is in, batched into the
 * next tick's frames) and `GET /rooms/:room` (who is there, as JSON; `authorizeRoom` applies).
 */
export function roomRoutes(app: Hono, rooms: Rooms, o: ResolvedOptions, faults: FaultLog): void {
  const signal = async <K extends 'state' | 'typing'>(
    c: Context,
    field: K,
    example: string,
    valid: (value: unknown) => boolean,
    /** A refusal for a well-formed value (too large), checked before anything is applied. */
    refuse: (value: unknown) => Response | null,
    apply: (room: string, uid: Uid, value: K extends 'state' ? RoomState | null : boolean) => boolean,
  ): Promise<Response> => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return errorResponse(c, 400, 'invalid_body', `The body must be JSON like ${example}.`);
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      return errorResponse(c, 400, 'invalid_body', `The body must be JSON like ${example}.`);
    const fields = body as Record<string, unknown>;
    const extra = Object.keys(fields).find((key) => key !== 'room' && key !== field);
    if (extra !== undefined) return unknownParameter(c, extra, ['room', field]);
    if (typeof fields.room !== 'string')
      return errorResponse(c, 400, 'invalid_body', `\`room\` must be a room name like "doc:42", in ${example}.`);
    if (!isValidRoom(fields.room)) return errorResponse(c, 400, 'invalid_body', invalidRoomMessage(fields.room));
    if (!valid(fields[field]))
      return errorResponse(c, 400, 'invalid_body', `\`${field}\` is missing or malformed; send JSON like ${example}.`);
    const refused = refuse(fields[field]);
    if (refused) return refused;
    const room = fields.room as string;
    const raw = await currentUser(c, o, faults);
    const uid = raw !== null && isValidUid(raw) ? raw : null;
    if (uid === null || !apply(room, uid, fields[field] as never))
      return errorResponse(
        c,
        403,
        'forbidden',
        `You are not in room "${room}"; only a signed-in user with a page in the room (a <presence-here room="${room}">) may set its state or typing.`,
      );
    return c.json({ t: o.now() });
  };

  app.post('/room-state', limitBody({ maxSize: MAX_ROOM_STATE_BYTES + 256, onError: (c) => tooLarge(c) }), (c) =>
    signal(
      c,
      'state',
      '{"room": "doc:42", "state": {"color": "#e91e63"}}',
      (value) => value === null || isRoomState(value),
      (value) => {
        const bytes = roomStateBytes(value as RoomState | null);
        return bytes > MAX_ROOM_STATE_BYTES ? tooLarge(c, bytes) : null;
      },
      (room, uid, state) => rooms.setState(room, uid, state),
    ),
  );

  app.post(
    '/room-typing',
    limitBody({
      maxSize: 256,
      onError: (c) => errorResponse(c, 413, 'payload_too_large', 'A typing signal is only {"room", "typing"}.'),
    }),
    (c) =>
      signal(
        c,
        'typing',
        '{"room": "doc:42", "typing": true}',
        (value) => typeof value === 'boolean',
        () => null,
        (room, uid, typing) => rooms.setTyping(room, uid, typing),
      ),
  );

  // Every path below /rooms/, so a name written with its slashes (org/acme/general) is told it is
  // not a room name rather than that the endpoint does not exist.
  app.get('/rooms/:room{.+}', async (c) => {
    const room: string = c.req.param('room');
    const extra = new URL(c.req.url).searchParams.keys().next();
    if (!extra.done) return unknownParameter(c, extra.value, []);
    if (!isValidRoom(room)) return errorResponse(c, 400, 'invalid_body', invalidRoomMessage(room));
    const refused = await checkRoomAllowed(c, o, room);
    return refused ?? c.json(rooms.members(room));
  });
}
