import { readdir, readFile } from 'node:fs/promises';

import { expect } from 'chai';

import { buildManifest, REVERSE_API_PATHS } from '../../src/adapters/http/manifest.js';
import { vendorPlugins } from '../../src/adapters/vendors/registry.js';
import { PLACEHOLDER_CLIENT_ID, placeholderManifests } from '../../src/infrastructure/manifests-command.js';

describe('manifests/', () => {
  it('holds exactly one up-to-date manifest per vendor (run `npm run manifests` when this fails)', async () => {
    const expected = placeholderManifests();
    const committed = (await readdir('manifests')).filter((file) => file.endsWith('.json')).sort();
    expect(committed).to.deep.equal([...expected.keys()].sort());
    for (const [file, content] of expected) {
      expect(await readFile(`manifests/${file}`, 'utf-8'), `manifests/${file} is out of date`).to.equal(content);
    }
    expect(expected.size).to.equal(vendorPlugins.length);
  });

  it('follows the v202049 rules: every endpoint carries :linkId, update and delete carry :meetingId', () => {
    const manifest = buildManifest('https://zoom.video.example.com/', PLACEHOLDER_CLIENT_ID);
    expect(manifest.version).to.equal('v202049');
    for (const url of Object.values(manifest.endpoints)) {
      expect(url).to.match(/^https:\/\/zoom\.video\.example\.com\/[^/]/);
      expect(url).to.contain(':linkId');
    }
    expect(manifest.endpoints.patchUpdateMeeting).to.contain(':meetingId');
    expect(manifest.endpoints.deleteMeeting).to.contain(':meetingId');
    expect(manifest.endpoints.postMeeting).to.equal(`https://zoom.video.example.com${REVERSE_API_PATHS.postMeeting}`);
  });
});
