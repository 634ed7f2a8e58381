import type Router from '@koa/router';
import * as E from 'fp-ts/lib/Either.js';
import * as O from 'fp-ts/lib/Option.js';

import type { MeetingRepository } from '../../../application/ports/meeting-repository.js';
import type { Meeting } from '../../../domain/meeting.js';
import { instantToStartTime } from '../../../domain/time.js';
import { html, page } from '../../http/html.js';
import type { HttpRouteContributor } from '../../http/route-contributor.js';
import { STUB_VENDOR_ID } from './stub-video-vendor.js';

/**
 * The page a stub meeting's join URL opens. It shows the meeting as this deployment knows it now
 * (so a reschedule in Pipedrive shows up here) and says plainly that no call takes place.
 */
export class StubMeetingPage implements HttpRouteContributor {
  constructor(private readonly meetings: MeetingRepository) {}

  register(router: Router): void {
    router.get('/stub/meetings/:vendorRef', async (ctx) => {
      ctx.state['page'] = true;
      ctx.type = 'html';
      const found = await this.meetings.findByVendorRef(STUB_VENDOR_ID, ctx.params['vendorRef'] ?? '')();
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
        ctx.body = page(
          'Meeting not found',
          html`<h1>Meeting not found</h1>
<p>There is no stub meeting at this address. Check the link in the Pipedrive activity.</p>`,
          { tone: 'problem' },
        );
        return;
      }
      const meeting = found.right.value;
      if (meeting.status === 'deleted') {
        ctx.status = 410;
        ctx.body = page(
          'Meeting cancelled',
          html`<h1>This meeting was cancelled</h1>
<p>“${meeting.details.topic}” was removed from its Pipedrive activity, so there is nothing to join. If you still
expect to meet, ask the organizer for a new link.</p>`,
          { tone: 'problem' },
        );
        return;
      }
      ctx.status = 200;
      ctx.body = meetingPage(meeting);
    });
  }
}

function meetingPage(meeting: Meeting): string {
  const minutes = meeting.details.durationMinutes;
  return page(
    `${meeting.details.topic} (stub meeting)`,
    html`<h1>${meeting.details.topic}</h1>
<p class="note">Stub meeting</p>
<dl>
<dt>Starts</dt><dd>${instantToStartTime(meeting.details.start)} UTC</dd>
<dt>Duration</dt><dd>${minutes} ${minutes === 1 ? 'minute' : 'minutes'}</dd>
${meeting.password === undefined ? html`` : html`<dt>Passcode</dt><dd>${meeting.password}</dd>`}
</dl>
<p class="note">This is a <strong>stub</strong> meeting from a development deployment: no video call takes place
here. A deployment with a real vendor (Zoom, Jitsi, ...) sends people to that vendor instead.</p>`,
    { tone: 'success' },
  );
}
