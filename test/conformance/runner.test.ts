import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { expect } from 'chai';

import { runConformance } from '../../src/conformance/runner.js';

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const OPTIONS = { clientId: 'id', clientSecret: 'secret', linkId: 'link' };

describe('conformance runner (failures of the deployment are rows, never crashes)', () => {
  it('reports a refused connection as a failed row', async () => {
    const server = createServer();
    const baseUrl = await listen(server);
    server.close();
    await once(server, 'close');
    const results = await runConformance({ ...OPTIONS, baseUrl });
    expect(results).to.have.length(1);
    expect(results[0]?.passed).to.equal(false);
    expect(results[0]?.detail).to.contain('connection failed');
  });

  it('reports a deployment that never answers as a timeout, per request', async () => {
    const server = createServer(() => {
      /* never answers */
    });
    const baseUrl = await listen(server);
    try {
      const results = await runConformance({ ...OPTIONS, baseUrl, timeoutMs: 200 });
      expect(results).to.have.length(1);
      expect(results[0]?.detail).to.contain('no answer within 0.2 s');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('does not call endpoints a manifest leaves unusable, and reads --manifest files', async () => {
    const missing = await runConformance({ ...OPTIONS, baseUrl: 'http://127.0.0.1:9', manifestFile: '/nonexistent/manifest.json' });
    expect(missing.map((r) => [r.name, r.passed])).to.deep.equal([['manifest: read', false]]);

    const server = createServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ version: 'v202049', clientId: 'id', endpoints: { postMeeting: 'https://x/:linkId' } }));
    });
    const baseUrl = await listen(server);
    try {
      const results = await runConformance({ ...OPTIONS, baseUrl });
      expect(results.map((r) => [r.name, r.passed])).to.deep.equal([
        ['manifest: read', true],
        ['manifest: shape', false],
        ['reverse API', false],
      ]);
    } finally {
      server.close();
    }
  });
});
