import { createHmac, randomBytes } from 'node:crypto';

/**
 * Room names (Jitsi, Daily). Anyone who knows a room's name can open it (or, in Jitsi's token modes,
 * knows the join link that mints a token for it), so a name is never derived from anything
 * guessable: a readable slug of the topic for people, then 80 bits that are either from the system's
 * CSPRNG ({@link newRoomName}) or a keyed hash of our meeting id ({@link derivedRoomName}).
 *
 * Names are lowercase `[a-z0-9-]`: Jitsi lowercases names anyway, and anything else breaks some
 * deployments or the external API's URLs.
 */

export const SLUG_MAX_LENGTH = 24;
/** 16 characters of base32: 80 bits. */
export const RANDOM_PART_LENGTH = 16;

/** What a room name of ours looks like; anything else is not ours (and not worth a lookup). */
export const ROOM_NAME = /^(?:[a-z0-9]+-){0,24}[a-z2-7]{16}$/;

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** A short, readable, URL-safe form of a topic; may be empty. */
export function topicSlug(topic: string): string {
  const slug = topic
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug.slice(0, SLUG_MAX_LENGTH).replace(/-+$/, '');
}

/** `RANDOM_PART_LENGTH` lowercase base32 characters; 32 divides 256, so each is unbiased. */
export function randomPart(random: (size: number) => Buffer = randomBytes): string {
  const bytes = random(RANDOM_PART_LENGTH);
  let out = '';
  for (let i = 0; i < RANDOM_PART_LENGTH; i += 1) out += BASE32[(bytes[i] ?? 0) % 32];
  return out;
}

/** A fresh room for a meeting on `topic`: `<slug>-<random>`, or just `<random>` when the slug is empty. */
export function newRoomName(topic: string): string {
  const slug = topicSlug(topic);
  return slug === '' ? randomPart() : `${slug}-${randomPart()}`;
}

/** Domain separation: these HMACs are room names and nothing else, whatever else the key signs. */
const DERIVATION_LABEL = 'pipedrive-video/room-name/v1';

/**
 * The room of meeting `meetingId` on `topic`: shaped as {@link newRoomName} makes them, but the 80
 * bits are HMAC-SHA256(`key`, meeting id) instead of random. Whoever holds `key` can name the room
 * again from the meeting (to find what a create left when its answer was lost); to anyone else it is
 * as unguessable as a random one, even knowing the meeting id (Pipedrive has it, our request logs
 * show it): without the key, HMAC's output cannot be told from random.
 *
 * `key` must be a secret that anyone able to misuse the room already has: a vendor's API key is one
 * (it lists and joins every room of its account anyway).
 */
export function derivedRoomName(topic: string, meetingId: string, key: string): string {
  const mac = createHmac('sha256', key).update(DERIVATION_LABEL).update('\0').update(meetingId).digest();
  const part = randomPart((size) => mac.subarray(0, size));
  const slug = topicSlug(topic);
  return slug === '' ? part : `${slug}-${part}`;
}
