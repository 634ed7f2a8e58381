import type Router from '@koa/router';
import * as E from 'fp-ts/lib/Either.js';
import * as O from 'fp-ts/lib/Option.js';

import type { Clock } from '../../../application/ports/clock.js';
import type { MeetingRepository } from '../../../application/ports/meeting-repository.js';
import { instantToStartTime } from '../../../domain/time.js';
import { html, page } from '../../http/html.js';
import type { HttpRouteContributor } from '../../http/route-contributor.js';
import type { JitsiAccess } from './jitsi-access.js';
import { ROOM_NAME } from '../kit/room-names.js';
import { JITSI_VENDOR_ID } from './jitsi-video-vendor.js';

export const JOIN_PATH = '/j/:room';

/** Longest name `newRoomName` makes: a 24-character slug, '-', 16 random characters. */
const ROOM_MAX_LENGTH = 41;

/**
 * The join link Pipedrive shows in the token modes: `/j/<room>`. Opening it reads the meeting as
 * this deployment knows it NOW (so a reschedule moves the window without changing the link, and a
 * deletion closes it), then mints a token for that window and sends the person to the room.
 */
export class JitsiJoinRoute implements HttpRouteContributor {
  constructor(
    private readonly meetings: MeetingRepository,
    private readonly access: JitsiAccess,
    private readonly clock: Clock,
  ) {}

  register(router: Router): void {
    router.get(JOIN_PATH, async (ctx) => {
      ctx.state['page'] = true;
      ctx.type = 'html';
      // Every answer depends on the time and the store, and the redirect carries a token.
      ctx.set('Cache-Control', 'no-store');
      const room = ctx.params['room'] ?? '';
      if (room.length > ROOM_MAX_LENGTH || !ROOM_NAME.test(room)) {
        ctx.status = 404;
        ctx.body = notFound();
        return;
      }
      const found = await this.meetings.findByVendorRef(JITSI_VENDOR_ID, room)();
      if (E.isLeft(found)) {
        ctx.status = 503;
        ctx.body = page(
          'Meeting unavailable',
          html`<h1>This page is unavailable</h1>
<p>The service cannot reach its database right now. Try again in a minute.</p>`,
          { tone: 'problem' },
        );
        return;
      }
      if (O.isNone(found.right)) {
        ctx.status = 404;
        ctx.body = notFound();
        return;
      }
      const meeting = found.right.value;
      const topic = meeting.details.topic;
      if (meeting.status === 'deleted') {
        ctx.status = 410;
        ctx.body = page(
          'Meeting cancelled',
          html`<h1>This meeting was cancelled</h1>
<p>“${topic}” was removed from its Pipedrive activity, so its room is closed. If you still expect to meet, ask the
organizer for a new link.</p>`,
          { tone: 'problem' },
        );
        return;
      }
      const window = this.access.window(meeting.details.start, meeting.details.durationMinutes);
      const now = this.clock.now();
      if (now.getTime() < window.opens.getTime()) {
        ctx.status = 403;
        ctx.body = page(
          'Meeting not open yet',
          html`<h1>This meeting has not opened yet</h1>
<p>“${topic}” starts at ${instantToStartTime(meeting.details.start)} UTC.
Its room opens at <strong>${instantToStartTime(window.opens)} UTC</strong>; come back then with the same link.</p>`,
          { tone: 'info' },
        );
        return;
      }
      if (now.getTime() >= window.closes.getTime()) {
        ctx.status = 410;
        ctx.body = page(
          'Meeting ended',
          html`<h1>This meeting has ended</h1>
<p>“${topic}” was held at ${instantToStartTime(meeting.details.start)} UTC; its room closed at
${instantToStartTime(window.closes)} UTC.</p>`,
          { tone: 'info' },
        );
        return;
      }
      const token = await this.access.mint(room, window);
      const target = new URL(this.access.roomUrl(room));
      target.searchParams.set('jwt', token);
      ctx.redirect(target.href);
    });
  }
}

function notFound(): string {
  return page(
    'Meeting not found',
    html`<h1>Meeting not found</h1>
<p>There is no meeting at this address. Check the link in the Pipedrive activity.</p>`,
    { tone: 'problem' },
  );
}
