import { isValidUid, type Uid } from '@presence-kit/core';

/** The uid if presence can watch it; null when it is missing or invalid (core's one uid rule). */
export function watchableUid(uid: string | null | undefined): Uid | null {
  return uid && isValidUid(uid) ? uid : null;
}

/** Why nothing is shown or watched for this uid: invalid ones never reach the server. */
export function warnInvalidUid(uid: string): void {
  console.warn(
    `presence-kit: "${uid.slice(0, 40)}" is not a valid uid (1-64 letters, digits or _ . : @ -); it is not watched.`,
  );
}
