import { randomUUID } from 'node:crypto';

import { importPKCS8, SignJWT } from 'jose';

import type { JitsiConfig } from './jitsi-config.js';

/** When a room may be entered: the token's `nbf` and `exp`. */
export interface JoinWindow {
  readonly opens: Date;
  readonly closes: Date;
}

/** The window of a meeting starting at `start` for `durationMinutes`, with the configured slack. */
export function joinWindow(
  config: Pick<JitsiConfig, 'joinEarlyMinutes' | 'joinLateMinutes'>,
  start: Date,
  durationMinutes: number,
): JoinWindow {
  return {
    opens: new Date(start.getTime() - config.joinEarlyMinutes * 60_000),
    closes: new Date(start.getTime() + (durationMinutes + config.joinLateMinutes) * 60_000),
  };
}

const seconds = (instant: Date): number => Math.floor(instant.getTime() / 1000);

/**
 * Where a room is and how one gets in. In `public` mode a room is just a URL; in the token modes
 * the room URL needs `?jwt=`, which `mint` makes for one person opening the join link.
 */
export class JitsiAccess {
  private jaasKey: ReturnType<typeof importPKCS8> | undefined;

  constructor(private readonly config: JitsiConfig) {}

  get needsToken(): boolean {
    return this.config.auth.mode !== 'public';
  }

  /** When a meeting starting at `start` for `durationMinutes` may be entered. */
  window(start: Date, durationMinutes: number): JoinWindow {
    return joinWindow(this.config, start, durationMinutes);
  }

  /** The room's address on the Jitsi server (JaaS rooms live under the tenant: `<AppID>/<room>`). */
  roomUrl(room: string): string {
    const { auth, baseUrl } = this.config;
    return auth.mode === 'jaas' ? `${baseUrl}/${auth.appId}/${room}` : `${baseUrl}/${room}`;
  }

  /** The URL Pipedrive shows: the room itself, or our `/j/<room>` that mints a token when opened. */
  joinUrl(room: string): string {
    return this.needsToken ? `${this.config.publicBaseUrl}/j/${room}` : this.roomUrl(room);
  }

  /**
   * A token for one person entering `room` during `window`. Each gets their own user id, so two
   * people opening the same link are two participants. No name is set: Jitsi asks for one.
   */
  async mint(room: string, window: JoinWindow): Promise<string> {
    const { auth } = this.config;
    const moderator = this.config.moderator === 'everyone';
    const userId = randomUUID();
    switch (auth.mode) {
      case 'public':
        throw new Error('public Jitsi rooms take no token');
      case 'jaas': {
        this.jaasKey ??= importPKCS8(auth.privateKeyPem, 'RS256');
        return new SignJWT({
          room,
          context: {
            user: { id: userId, name: '', moderator: moderator ? 'true' : 'false' },
            features: { livestreaming: 'false', recording: 'false', transcription: 'false', 'outbound-call': 'false' },
          },
        })
          .setProtectedHeader({ alg: 'RS256', kid: auth.apiKeyId, typ: 'JWT' })
          .setAudience('jitsi')
          .setIssuer('chat')
          .setSubject(auth.appId)
          .setNotBefore(seconds(window.opens))
          .setExpirationTime(seconds(window.closes))
          .sign(await this.jaasKey);
      }
      case 'selfhosted':
        return new SignJWT({
          room,
          moderator,
          context: { user: { id: userId, name: '', ...(moderator ? { affiliation: 'owner' } : {}) } },
        })
          .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
          .setAudience(auth.audience)
          .setIssuer(auth.appId)
          .setSubject(auth.subject)
          .setNotBefore(seconds(window.opens))
          .setExpirationTime(seconds(window.closes))
          .sign(new TextEncoder().encode(auth.appSecret));
    }
  }
}
