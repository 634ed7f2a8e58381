import Router from '@koa/router';
import { expect } from 'chai';
import * as TE from 'fp-ts/lib/TaskEither.js';
import Koa from 'koa';
import request from 'supertest';

import { MemoryMeetingRepository } from '../../../../src/adapters/persistence/memory/memory-meeting-repository.js';
import { JitsiAccess } from '../../../../src/adapters/vendors/jitsi/jitsi-access.js';
import { decodeJitsiConfig } from '../../../../src/adapters/vendors/jitsi/jitsi-config.js';
import { JitsiJoinRoute } from '../../../../src/adapters/vendors/jitsi/jitsi-join-route.js';
import { newRoomName } from '../../../../src/adapters/vendors/kit/room-names.js';
import { JITSI_VENDOR_ID, JitsiVideoVendor } from '../../../../src/adapters/vendors/jitsi/jitsi-video-vendor.js';
import type { Clock } from '../../../../src/application/ports/clock.js';
import type { MeetingRepository } from '../../../../src/application/ports/meeting-repository.js';
import { storeUnavailable } from '../../../../src/domain/errors.js';
import { expectLeft, expectRight } from '../../../support/either.js';
import { aLink, aMeeting, aMeetingId, someDetails } from '../../../support/fixtures.js';

/** The join route alone, on a bare Koa app with a fake clock: what the whole-app tests cannot reach. */

const NOW = new Date('2026-04-01T09:30:00.000Z');
const clock: Clock = { now: () => NOW };
const config = expectRight(
  decodeJitsiConfig({
    env: { JITSI_MODE: 'selfhosted', JITSI_BASE_URL: 'https://meet.example.com', JITSI_APP_ID: 'a', JITSI_APP_SECRET: 's' },
    production: true,
    publicBaseUrl: 'https://video.example.test',
  }),
);
const access = new JitsiAccess(config);

function appWith(meetings: MeetingRepository): ReturnType<Koa['callback']> {
  const app = new Koa();
  const router = new Router();
  new JitsiJoinRoute(meetings, access, clock).register(router);
  app.use(router.routes());
  return app.callback();
}

describe('Jitsi join route', () => {
  it('answers 503 with a page when the store is unavailable', async () => {
    class FailingMeetings extends MemoryMeetingRepository {
      override findByVendorRef(): ReturnType<MeetingRepository['findByVendorRef']> {
        return TE.left(storeUnavailable('the store is down'));
      }
    }
    const response = await request(appWith(new FailingMeetings())).get(`/j/${newRoomName('x')}`);
    expect(response.status).to.equal(503);
    expect(response.headers['content-type']).to.match(/^text\/html/);
    expect(response.headers['cache-control']).to.equal('no-store');
    expect(response.text).to.contain('cannot reach its database');
  });

  it('looks rooms up as Jitsi meetings only', async () => {
    const meetings = new MemoryMeetingRepository();
    const room = newRoomName('Stub meeting');
    expectRight(await meetings.insert(aMeeting({ vendorRef: room }))());
    expect((await request(appWith(meetings)).get(`/j/${room}`)).status).to.equal(404);

    expectRight(await meetings.insert(aMeeting({ vendor: JITSI_VENDOR_ID, vendorRef: room }))());
    const response = await request(appWith(meetings)).get(`/j/${room}`);
    expect(response.status).to.equal(302);
    expect(response.headers['location']).to.match(new RegExp(`^https://meet\\.example\\.com/${room}\\?jwt=[\\w-]+\\.[\\w-]+\\.[\\w-]+$`));
  });
});

describe('JitsiVideoVendor', () => {
  const vendor = new JitsiVideoVendor(access);
  const call = (signal: AbortSignal = new AbortController().signal) => ({ link: aLink({ vendor: JITSI_VENDOR_ID }), signal });

  it('has no account to connect', () => {
    expect(vendor.connection).to.deep.equal({ kind: 'none' });
  });

  it('creates a fresh room each time, named after the topic, with no password or invitation', async () => {
    const input = { meetingId: aMeetingId(), details: someDetails() };
    const first = expectRight(await vendor.createMeeting(call(), input)());
    const second = expectRight(await vendor.createMeeting(call(), input)());
    expect(first.vendorRef).to.match(/^quarterly-review-[a-z2-7]{16}$/);
    expect(first.vendorRef).not.to.equal(second.vendorRef);
    expect(first).to.deep.equal({ vendorRef: first.vendorRef, joinUrl: `https://video.example.test/j/${first.vendorRef}` });
  });

  it('ends a call whose budget is already spent with VendorTimeout', async () => {
    const spent = AbortSignal.abort();
    const ref = { meetingId: aMeetingId(), vendorRef: newRoomName('x') };
    expect(expectLeft(await vendor.createMeeting(call(spent), { meetingId: aMeetingId(), details: someDetails() })())._tag).to.equal('VendorTimeout');
    expect(expectLeft(await vendor.updateMeeting(call(spent), ref, someDetails())())._tag).to.equal('VendorTimeout');
    expect(expectLeft(await vendor.deleteMeeting(call(spent), ref)())._tag).to.equal('VendorTimeout');
    expect(expectLeft(await vendor.findCreated(call(spent), { meetingId: aMeetingId(), details: someDetails() }, new Date())())._tag).to.equal(
      'VendorTimeout',
    );
  });

  it('finds nothing a create left, even right after one: Jitsi has no meetings to clean up', async () => {
    const input = { meetingId: aMeetingId(), details: someDetails() };
    const since = new Date();
    expectRight(await vendor.createMeeting(call(), input)());
    expect(expectRight(await vendor.findCreated(call(), input, since)())).to.deep.equal([]);
  });
});
