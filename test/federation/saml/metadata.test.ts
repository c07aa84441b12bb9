import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDPCommunicationError } from '../../../src/errors.js';
import { loadMetadata, MetadataSource, parseMetadata, SamlMetadataError } from '../../../src/federation/saml/metadata.js';
import { createTestIdp, generateKeyPair, replaceInXml } from '../../helpers/samlIdp.js';
import { expectReject, expectThrow } from './support.js';

const idp = createTestIdp({ entityId: 'https://idp.example.test/metadata', ssoUrl: 'https://idp.example.test/sso' });
const next = generateKeyPair('rotation-next');

describe('parseMetadata', () => {
  it('reads the entity id, the signing certificate and the SSO locations', () => {
    const md = parseMetadata(idp.metadataXml());
    expect(md.entityId).toBe('https://idp.example.test/metadata');
    expect(md.signingKeys).toHaveLength(1);
    expect(md.signingKeys[0]!.bits).toBe(2048);
    expect(md.signingKeys[0]!.publicKey.asymmetricKeyType).toBe('rsa');
    expect(md.signingCertificates[0]).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
    expect(md.ssoRedirectUrl).toBe('https://idp.example.test/sso');
    expect(md.ssoPostUrl).toBe('https://idp.example.test/sso/post');
    expect(md.wantAuthnRequestsSigned).toBe(false);
  });

  it('keeps every signing certificate (rotation) and drops duplicates', () => {
    const md = parseMetadata(idp.metadataXml({ signingKeys: [idp.keys, next, idp.keys] }));
    expect(md.signingKeys.map((k) => k.fingerprint256)).toHaveLength(2);
  });

  it('counts a KeyDescriptor without use, not one for encryption only', () => {
    expect(parseMetadata(idp.metadataXml({ keyUse: 'none' })).signingKeys).toHaveLength(1);
    expectThrow(() => parseMetadata(idp.metadataXml({ keyUse: 'encryption' })), SamlMetadataError, /no signing key/);
  });

  it('refuses a DOCTYPE or entity declaration', () => {
    const xml = idp.metadataXml().replace('<md:EntityDescriptor', '<!DOCTYPE x [<!ENTITY e "e">]><md:EntityDescriptor');
    expectThrow(() => parseMetadata(xml), SamlMetadataError, /DOCTYPE/);
  });

  it('refuses what does not parse or is not IdP metadata', () => {
    expectThrow(() => parseMetadata('<md:EntityDescriptor'), SamlMetadataError, /does not parse/);
    expectThrow(() => parseMetadata('<x/>'), SamlMetadataError, /not a SAML 2.0 EntityDescriptor/);
    expectThrow(() => parseMetadata(replaceInXml(idp.metadataXml(), ' entityID="https://idp.example.test/metadata"', '')), SamlMetadataError, /no entityID/);
    expectThrow(() => parseMetadata(replaceInXml(idp.metadataXml(), 'urn:oasis:names:tc:SAML:2.0:protocol"', 'urn:oasis:names:tc:SAML:1.1:protocol"')), SamlMetadataError, /IDPSSODescriptor/);
  });

  it('refuses a certificate that does not parse', () => {
    expectThrow(() => parseMetadata(replaceInXml(idp.metadataXml(), idp.keys.certBase64, 'AAAA')), SamlMetadataError, /does not parse/);
  });

  it('refuses RSA keys under 1024 bits (AWS: "Unable to parse metadata"), accepts 1024 and EC', () => {
    const tiny = generateKeyPair('tiny', 'rsa:512');
    expectThrow(() => parseMetadata(idp.metadataXml({ signingKeys: [tiny] })), SamlMetadataError, /^Unable to parse metadata: the signing key has 512 bits/);
    expect(parseMetadata(idp.metadataXml({ signingKeys: [generateKeyPair('small', 'rsa:1024')] })).signingKeys[0]!.bits).toBe(1024);
    expect(parseMetadata(idp.metadataXml({ signingKeys: [generateKeyPair('ec', 'ec:P-256')] })).signingKeys[0]!.bits).toBe(256);
  });

  it('accepts a byte-order mark and an aggregate holding one IdP', () => {
    expect(parseMetadata(`\ufeff${idp.metadataXml()}`).entityId).toBe(idp.entityId);
    const inner = idp.metadataXml().replace(/^<\?xml[^>]*>\n/, '');
    const aggregate = `<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">${inner}</md:EntitiesDescriptor>`;
    expect(parseMetadata(aggregate).entityId).toBe(idp.entityId);
    expectThrow(() => parseMetadata(`<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">${inner}${inner}</md:EntitiesDescriptor>`), SamlMetadataError, /2 identity providers/);
  });
});

describe('loadMetadata and MetadataSource', () => {
  let server: Server;
  let base: string;
  let body = idp.metadataXml();
  let status = 200;
  let hang = false;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (hang) return; // never answers: the client's timeout must fire
      if (req.url === '/moved') {
        res.writeHead(302, { location: `${base}/md` });
        res.end();
        return;
      }
      if (req.url === '/huge') {
        res.writeHead(200);
        res.end('x'.repeat(2_000_000));
        return;
      }
      res.writeHead(status, { 'content-type': 'application/xml' });
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  const reset = () => {
    body = idp.metadataXml();
    status = 200;
    hang = false;
  };

  it('loads from a file and from a URL', async () => {
    reset();
    expect((await loadMetadata({ file: idp.writeMetadata() })).entityId).toBe(idp.entityId);
    expect((await loadMetadata({ url: `${base}/md` })).entityId).toBe(idp.entityId);
    await expectReject(loadMetadata({ file: '/nonexistent/metadata.xml' }), SamlMetadataError, /cannot read/);
    await expectReject(loadMetadata({}), SamlMetadataError, /exactly one/);
  });

  it('refuses an HTTP error, a body over the limit, and times out', async () => {
    reset();
    status = 500;
    await expectReject(loadMetadata({ url: `${base}/md` }), SamlMetadataError, /HTTP 500/);
    status = 200;
    await expectReject(loadMetadata({ url: `${base}/huge`, maxBytes: 1_000_000 }), SamlMetadataError, /larger than/);
    hang = true;
    const started = Date.now();
    await expectReject(loadMetadata({ url: `${base}/md`, timeoutMs: 200 }), SamlMetadataError, /cannot fetch/);
    expect(Date.now() - started).toBeLessThan(5_000);
    reset();
  });

  it('does not follow redirects (one could lead from https to plain http)', async () => {
    reset();
    await expectReject(loadMetadata({ url: `${base}/moved` }), SamlMetadataError, /HTTP 302 redirect/);
    expect((await loadMetadata({ url: `${base}/md` })).entityId).toBe(idp.entityId);
  });

  it('a source refreshes, keeps the last good metadata when a refresh fails, and counts', async () => {
    reset();
    const errors: Error[] = [];
    const source = new MetadataSource({ url: `${base}/md`, refreshSeconds: 3600, onError: (e) => errors.push(e) });
    expect(() => source.current()).toThrow(IDPCommunicationError);
    const first = await source.start();
    expect(source.current()).toBe(first);
    expect(first.signingKeys).toHaveLength(1);

    // rotation published by the IdP
    body = idp.metadataXml({ signingKeys: [idp.keys, next] });
    expect(await source.refresh()).toBe(true);
    expect(source.current().signingKeys).toHaveLength(2);
    const good = source.current();

    // the endpoint breaks: the last good copy stays
    status = 503;
    expect(await source.refresh()).toBe(false);
    body = '<not metadata/>';
    status = 200;
    expect(await source.refresh()).toBe(false);
    expect(source.current()).toBe(good);
    expect(errors).toHaveLength(2);
    expect(source.stats()).toMatchObject({ fetches: 4, failures: 2 });
    expect(source.stats().lastSuccessAt).toBeGreaterThan(0);
    source.stop();
    reset();
  });

  it('refreshes in the background on its own', async () => {
    reset();
    const source = new MetadataSource({ url: `${base}/md`, refreshSeconds: 0.05 });
    await source.start();
    await new Promise((resolve) => setTimeout(resolve, 400));
    source.stop();
    expect(source.stats().fetches).toBeGreaterThanOrEqual(2);
  });

  it('start() rejects when the first fetch fails, then retries in the background', async () => {
    reset();
    status = 500;
    const source = new MetadataSource({ url: `${base}/md`, retrySeconds: 0.05, refreshSeconds: 60 });
    await expectReject(source.start(), SamlMetadataError);
    status = 200;
    await new Promise((resolve) => setTimeout(resolve, 400));
    source.stop();
    expect(source.current().entityId).toBe(idp.entityId);
    reset();
  });
});
