/**
 * The errors of the two AWS services behind command-line sign-in, with their wire shapes:
 *
 * - SSO OIDC (`sso-oidc` 2019-06-10): `x-amzn-ErrorType: <Exception>`, body
 *   `{"error": "<oauth code>", "error_description": "…"}`; 400 for everything but InvalidClientException
 *   (401) and InternalServerException (500).
 * - SSO portal (`sso` 2019-06-10): `x-amzn-ErrorType: <Exception>`, body `{"message": "…"}`;
 *   Unauthorized 401, Forbidden 403 (AWS's answer for a role or account the caller may not use; not in
 *   the model, so SDKs surface it by name), ResourceNotFound 404, TooManyRequests 429.
 */
import { AwsError } from '../errors.js';

/** An SSO OIDC error: the exception name (code), its HTTP status and the OAuth 2.0 `error` value. */
export abstract class SsoOidcError extends AwsError {
  abstract readonly oauthError: string;
}

export class InvalidRequestException extends SsoOidcError {
  readonly code = 'InvalidRequestException';
  readonly httpStatus = 400;
  readonly oauthError = 'invalid_request';
}

export class InvalidClientException extends SsoOidcError {
  readonly code = 'InvalidClientException';
  readonly httpStatus = 401;
  readonly oauthError = 'invalid_client';
}

export class InvalidGrantException extends SsoOidcError {
  readonly code = 'InvalidGrantException';
  readonly httpStatus = 400;
  readonly oauthError = 'invalid_grant';
}

export class UnauthorizedClientException extends SsoOidcError {
  readonly code = 'UnauthorizedClientException';
  readonly httpStatus = 400;
  readonly oauthError = 'unauthorized_client';
}

export class UnsupportedGrantTypeException extends SsoOidcError {
  readonly code = 'UnsupportedGrantTypeException';
  readonly httpStatus = 400;
  readonly oauthError = 'unsupported_grant_type';
}

export class InvalidScopeException extends SsoOidcError {
  readonly code = 'InvalidScopeException';
  readonly httpStatus = 400;
  readonly oauthError = 'invalid_scope';
}

export class AuthorizationPendingException extends SsoOidcError {
  readonly code = 'AuthorizationPendingException';
  readonly httpStatus = 400;
  readonly oauthError = 'authorization_pending';
}

export class SlowDownException extends SsoOidcError {
  readonly code = 'SlowDownException';
  readonly httpStatus = 400;
  readonly oauthError = 'slow_down';
}

export class AccessDeniedException extends SsoOidcError {
  readonly code = 'AccessDeniedException';
  readonly httpStatus = 400;
  readonly oauthError = 'access_denied';
}

export class ExpiredTokenException extends SsoOidcError {
  readonly code = 'ExpiredTokenException';
  readonly httpStatus = 400;
  readonly oauthError = 'expired_token';
}

export class InvalidClientMetadataException extends SsoOidcError {
  readonly code = 'InvalidClientMetadataException';
  readonly httpStatus = 400;
  readonly oauthError = 'invalid_client_metadata';
}

export class InvalidRedirectUriException extends SsoOidcError {
  readonly code = 'InvalidRedirectUriException';
  readonly httpStatus = 400;
  readonly oauthError = 'invalid_redirect_uri';
}

/** An SSO portal error (body `{"message": …}`). */
export abstract class SsoPortalError extends AwsError {}

export class UnauthorizedException extends SsoPortalError {
  readonly code = 'UnauthorizedException';
  readonly httpStatus = 401;
  constructor(message = 'Session token not found or invalid') {
    super(message);
  }
}

export class ForbiddenException extends SsoPortalError {
  readonly code = 'ForbiddenException';
  readonly httpStatus = 403;
  constructor(message = 'No access') {
    super(message);
  }
}

export class ResourceNotFoundException extends SsoPortalError {
  readonly code = 'ResourceNotFoundException';
  readonly httpStatus = 404;
}

export class PortalInvalidRequestException extends SsoPortalError {
  readonly code = 'InvalidRequestException';
  readonly httpStatus = 400;
}

export class TooManyRequestsException extends SsoPortalError {
  readonly code = 'TooManyRequestsException';
  readonly httpStatus = 429;
  constructor(message = 'Rate exceeded') {
    super(message);
  }
}
