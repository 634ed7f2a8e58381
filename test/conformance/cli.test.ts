import { expect } from 'chai';

import { freePort, run, type Started, waitFor } from '../support/processes.js';

/** The demo link a development start seeds, with the development credentials. */
const DEMO_LINK = '5e0d0f6a-7c1b-4d2e-9f3a-0b1c2d3e4f50';
const DEV_ID = 'dev-client-id';
const DEV_SECRET = 'dev-client-secret';

const conformance = (args: readonly string[]): Started => run('src/conformance/main.ts', args);

describe('the conformance CLI (against our own stub deployment, for real)', function () {
  this.timeout(60_000);

  it('passes every check on a development start, and fails rows with a wrong secret', async () => {
    const port = await freePort();
    const service = run('src/infrastructure/main.ts', [], { PORT: String(port) });
    try {
      await waitFor(() => service.stdout().includes('Manifest:'), 'the start banner');
      const args = ['--base-url', `http://localhost:${port}`, '--client-id', DEV_ID, '--link-id', DEMO_LINK];

      const good = conformance([...args, '--client-secret', DEV_SECRET]);
      const goodExit = await good.exited;
      const output = good.stdout();
      expect(goodExit, `${output}\n${good.stderr()}`).to.equal(0);
      const last = output.trimEnd().split('\n').at(-1) ?? '';
      const counted = /^(\d+) passed, 0 failed$/.exec(last);
      expect(counted, output).not.to.equal(null);
      expect(Number(counted?.[1])).to.be.at.least(12);
      expect(output).not.to.contain('FAIL').and.not.contain('\u001b[');

      const bad = conformance([...args, '--client-secret', 'not-the-secret']);
      const badExit = await bad.exited;
      expect(badExit, bad.stdout()).to.equal(1);
      expect(bad.stdout()).to.match(/^postMeeting -> 201\s+FAIL\s+status 401/m);
      expect(bad.stdout().trimEnd().split('\n').at(-1)).to.match(/^\d+ passed, [1-9]\d* failed$/);
    } finally {
      service.child.kill('SIGKILL');
    }
  });

  it('exits 2 with a usage line for bad arguments', async () => {
    const missing = conformance(['--base-url', 'http://localhost:1']);
    expect(await missing.exited).to.equal(2);
    expect(missing.stderr()).to.contain('missing --client-id, --client-secret, --link-id').and.contain('usage: ');

    const unknown = conformance(['--nope']);
    expect(await unknown.exited).to.equal(2);
    expect(unknown.stderr()).to.contain('usage: ');
  });
});
