import type { RoomName } from '@presence-kit/core';
import type { RoomWants } from './transport.js';

/** Two window sizes for one room as one: the larger, and 0 (everyone) over any. */
export function widerWindow(a: number, b: number): number {
  return a === 0 || b === 0 ? 0 : Math.max(a, b);
}

/** The rooms several wanters (elements of a page, tabs of a browser) are in, each with the widest window asked for. */
export function unionOfRooms(all: readonly RoomWants[]): RoomWants {
  const union: Record<RoomName, number> = Object.create(null);
  for (const wants of all)
    for (const [room, max] of Object.entries(wants)) union[room] = room in union ? widerWindow(union[room]!, max) : max;
  return union;
}
