import { expect } from 'chai';

import {
  type CheckResult,
  judgeCreated,
  judgeManifest,
  judgeNoContent,
  judgeProblem,
  type Outcome,
} from '../../src/conformance/checks.js';
import { formatReport } from '../../src/conformance/report.js';
import { fillEndpoint, tomorrowAtTen } from '../../src/conformance/runner.js';

const json = (status: number, body: unknown): Outcome => ({
  kind: 'answer',
  status,
  contentType: 'application/json; charset=utf-8',
  body: JSON.stringify(body),
});

const GOOD_DATA = {
  meeting_id: 'm-1',
  join_url: 'https://video.example/m-1',
  invitation: 'Join at https://video.example/m-1',
  password: '123456',
};

const MANIFEST = {
  version: 'v202049',
  clientId: 'client',
  endpoints: {
    postMeeting: 'https://video.example/api/v1/links/:linkId/meetings',
    patchUpdateMeeting: 'https://video.example/api/v1/links/:linkId/meetings/:meetingId',
    deleteMeeting: 'https://video.example/api/v1/links/:linkId/meetings/:meetingId',
  },
};

const failedNames = (checks: readonly CheckResult[]): string[] => checks.filter((c) => !c.passed).map((c) => c.name);

describe('conformance checks (pure judges of recorded answers)', () => {
  describe('postMeeting', () => {
    it('passes a good 201 and hands back its meeting id', () => {
      const judged = judgeCreated('create', json(201, { success: true, data: GOOD_DATA }));
      expect(judged.check.passed, judged.check.detail).to.equal(true);
      expect(judged.meetingId).to.equal('m-1');
    });

    it('passes a 201 without password', () => {
      const { password: _password, ...data } = GOOD_DATA;
      expect(judgeCreated('create', json(201, { success: true, data })).check.passed).to.equal(true);
    });

    it('fails a 201 with password: null', () => {
      const judged = judgeCreated('create', json(201, { success: true, data: { ...GOOD_DATA, password: null } }));
      expect(judged.check.passed).to.equal(false);
      expect(judged.check.detail).to.contain('data.password is null');
      expect(judged.meetingId).to.equal(undefined);
    });

    it('fails a 201 with an extra key (a host URL, say)', () => {
      const judged = judgeCreated('create', json(201, { success: true, data: { ...GOOD_DATA, start_url: 'https://host' } }));
      expect(judged.check.passed).to.equal(false);
      expect(judged.check.detail).to.contain('unexpected start_url');
    });

    it('fails a relative join_url, a numeric meeting_id and another status', () => {
      expect(judgeCreated('c', json(201, { success: true, data: { ...GOOD_DATA, join_url: '/m-1' } })).check.detail).to.contain(
        'join_url is not an absolute URL',
      );
      expect(judgeCreated('c', json(201, { success: true, data: { ...GOOD_DATA, meeting_id: 7 } })).check.detail).to.contain(
        'meeting_id is a number',
      );
      expect(judgeCreated('c', json(200, { success: true, data: GOOD_DATA })).check.detail).to.contain('expected 201');
    });

    it('turns a request that never got an answer into a failed row', () => {
      const judged = judgeCreated('create', { kind: 'failure', reason: 'POST x: no answer within 10 s' });
      expect(judged.check).to.deep.equal({ name: 'create', passed: false, detail: 'POST x: no answer within 10 s' });
    });
  });

  describe('patch and delete', () => {
    it('passes 204 with an empty body', () => {
      expect(judgeNoContent('delete', { kind: 'answer', status: 204, contentType: '', body: '' }).passed).to.equal(true);
    });

    it('fails a 200 for delete', () => {
      const check = judgeNoContent('delete', json(200, { success: true }));
      expect(check.passed).to.equal(false);
      expect(check.detail).to.contain('status 200').and.contain('expected 204');
    });
  });

  describe('error answers', () => {
    const problem = json(400, { success: false, error: { code: 'INVALID_BODY', message: 'topic: required' } });

    it('passes the contract error body, checking the message mentions the field', () => {
      expect(judgeProblem('missing topic', problem, 400, 'topic')).to.deep.equal({
        name: 'missing topic',
        passed: true,
        detail: '400 INVALID_BODY',
      });
      expect(judgeProblem('missing topic', problem, 400, 'duration').detail).to.contain('does not mention duration');
    });

    it('fails an HTML 400', () => {
      const check = judgeProblem(
        'malformed',
        { kind: 'answer', status: 400, contentType: 'text/html; charset=utf-8', body: '<html><body>Bad Request</body></html>' },
        400,
      );
      expect(check.passed).to.equal(false);
      expect(check.detail).to.contain('HTML');
    });

    it('fails a lower-case code, a missing message, extra keys and the wrong status', () => {
      expect(judgeProblem('p', json(400, { success: false, error: { code: 'bad', message: 'x' } }), 400).detail).to.contain(
        'not an upper-case string',
      );
      expect(judgeProblem('p', json(400, { success: false, error: { code: 'BAD' } }), 400).detail).to.contain('missing message');
      expect(
        judgeProblem('p', json(400, { success: false, error: { code: 'BAD', message: 'x' }, stack: 'at x' }), 400).detail,
      ).to.contain('unexpected stack');
      expect(judgeProblem('p', problem, 404).detail).to.contain('expected 404');
    });
  });

  describe('the manifest', () => {
    it('passes a v202049 manifest with https endpoints and both placeholders', () => {
      const judged = judgeManifest(MANIFEST, 'client');
      expect(failedNames(judged.checks)).to.deep.equal([]);
      expect(judged.checks).to.have.length(6);
      expect(judged.endpoints).to.deep.equal(MANIFEST.endpoints);
    });

    it('fails a manifest missing :meetingId, and does not offer its endpoints for calls', () => {
      const judged = judgeManifest(
        { ...MANIFEST, endpoints: { ...MANIFEST.endpoints, deleteMeeting: 'https://video.example/api/v1/links/:linkId/meetings' } },
        'client',
      );
      expect(failedNames(judged.checks)).to.deep.equal(['manifest: :meetingId in patch and delete']);
      expect(judged.checks.find((c) => !c.passed)?.detail).to.equal('missing in deleteMeeting');
      expect(judged.endpoints).to.equal(undefined);
    });

    it('fails another version, another client id, plain http off localhost and a missing :linkId', () => {
      const judged = judgeManifest(
        {
          version: 'v1',
          clientId: 'other',
          endpoints: { ...MANIFEST.endpoints, postMeeting: 'http://video.example/api/v1/meetings' },
        },
        'client',
      );
      expect(failedNames(judged.checks)).to.deep.equal([
        'manifest: version',
        'manifest: clientId',
        'manifest: endpoint URLs',
        'manifest: :linkId in all endpoints',
      ]);
    });

    it('allows plain http on localhost, saying so', () => {
      const local = JSON.parse(JSON.stringify(MANIFEST).replaceAll('https://video.example', 'http://localhost:3000')) as unknown;
      const urls = judgeManifest(local, 'client').checks.find((c) => c.name === 'manifest: endpoint URLs');
      expect(urls?.passed).to.equal(true);
      expect(urls?.detail).to.contain('local testing');
    });

    it('fails a manifest that does not decode, naming the path', () => {
      const judged = judgeManifest({ version: 'v202049', clientId: 'client', endpoints: { postMeeting: 'x' } }, 'client');
      expect(judged.checks).to.have.length(1);
      expect(judged.checks[0]?.passed).to.equal(false);
      expect(judged.checks[0]?.detail).to.contain('endpoints.patchUpdateMeeting');
    });
  });

  describe('helpers', () => {
    it('fills whole placeholders only and escapes the values', () => {
      expect(fillEndpoint('https://x/l/:linkId/m/:meetingId', 'a b', 'm/1')).to.equal('https://x/l/a%20b/m/m%2F1');
    });

    it('schedules tomorrow at 10:00 UTC, across a month end', () => {
      expect(tomorrowAtTen(new Date('2026-01-31T23:30:00Z'))).to.equal('2026-02-01 10:00');
    });

    it('prints an aligned table without colours and ends with the count on its own line', () => {
      const text = formatReport(
        [
          { name: 'short', passed: true, detail: 'fine' },
          { name: 'a longer name', passed: false, detail: 'broken' },
        ],
        false,
      );
      const lines = text.trimEnd().split('\n');
      expect(lines.at(-1)).to.equal('1 passed, 1 failed');
      expect(lines[2]).to.equal('short          PASS    fine');
      expect(lines[3]).to.equal('a longer name  FAIL    broken');
      expect(text).not.to.contain('\u001b[');
    });
  });
});
