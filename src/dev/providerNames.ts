/** The names of the development identity providers, without loading them (check-config needs only these). */
export const DEV_OIDC_PROVIDER_NAME = 'fedbroker-dev';
export const DEV_SAML_PROVIDER_NAME = 'FedbrokerDev';
