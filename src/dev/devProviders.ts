/**
 * The development identity providers as ordinary providers of the broker (devIdentityProviders: true):
 * their IdP pages, and the provider entries + in-memory SAML metadata the model is built with.
 */
import type { LoadedConfig } from '../config/load.js';
import type { RawOidcProvider, RawSamlProvider } from '../config/schema.js';
import { parseMetadata, type ParsedMetadata } from '../federation/saml/index.js';
import { createDevOidcIdp, DEV_OIDC_CLIENT_ID, DEV_OIDC_PROVIDER_NAME, type DevOidcIdp } from './oidcIdp.js';
import { createDevSamlIdp, DEV_SAML_MFA_CONTEXT, DEV_SAML_PATH, DEV_SAML_PROVIDER_NAME, type DevSamlIdp } from './samlIdp.js';

export interface DevProviders {
  readonly oidc: DevOidcIdp;
  readonly saml: DevSamlIdp;
  /** Provider entries added to the configuration's identityProviders. */
  readonly providers: Array<RawOidcProvider | RawSamlProvider>;
  /** The development SAML IdP's metadata, by provider name. */
  readonly samlMetadata: ReadonlyMap<string, ParsedMetadata>;
}

/** Creates (first start: generates keys in keys.dir/dev/) the development IdPs. */
export async function startDevProviders(loaded: LoadedConfig): Promise<DevProviders> {
  const keysDir = loaded.config.keys.dir;
  const oidc = await createDevOidcIdp({ publicUrl: loaded.publicUrl, keysDir });
  const saml = await createDevSamlIdp({ publicUrl: loaded.publicUrl, keysDir, acsUrl: loaded.acsUrl, spEntityId: loaded.samlEntityId });
  return {
    oidc,
    saml,
    providers: [
      { type: 'oidc', name: DEV_OIDC_PROVIDER_NAME, enabled: true, issuer: oidc.issuer, clientIds: [DEV_OIDC_CLIENT_ID], jwksFile: oidc.jwksFile, mfaAmr: ['mfa'], subjectCase: 'sensitive' },
      {
        type: 'saml',
        name: DEV_SAML_PROVIDER_NAME,
        enabled: true,
        metadata: `${DEV_SAML_PATH}/metadata`,
        mfaAuthnContexts: [DEV_SAML_MFA_CONTEXT],
        allowIdpInitiated: true,
        requireSignedAssertion: true,
        allowSha1: false,
        sessionNameFrom: 'attribute',
        subjectCase: 'sensitive',
      },
    ],
    samlMetadata: new Map([[DEV_SAML_PROVIDER_NAME, parseMetadata(saml.metadataXml)]]),
  };
}
