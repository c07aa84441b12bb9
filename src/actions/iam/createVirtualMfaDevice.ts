/**
 * CreateVirtualMFADevice (guide G3892–G3914): a new, not yet enabled virtual device
 * `arn:PARTITION:iam::ACCOUNT:mfa{Path}{Name}`, authorised as iam:CreateVirtualMFADevice on that ARN.
 * The seed is returned once, as AWS sends it: Base32StringSeed is a blob holding the base32 text and
 * QRCodePNG a blob holding the PNG of the otpauth:// URI (both base64 on the wire; the AWS CLI writes
 * the one chosen with --bootstrap-method, decoded, into --outfile).
 *
 * The device belongs to nobody until EnableMFADevice associates it with a user (who must prove the
 * seed with two consecutive codes), so an administrator can create a device for someone else.
 */
import type { Broker } from '../../broker.js';
import { deviceSerial } from '../../mfa/deviceNames.js';
import { defineAction } from '../../protocol/action.js';
import { requireCaller } from '../common/signedCaller.js';
import { authorizeIamCaller, mfaContext } from './iamCaller.js';

export function createVirtualMfaDevice(broker: Broker) {
  return defineAction({
    name: 'CreateVirtualMFADevice',
    service: 'iam',
    auth: 'sigv4',
    // The MFA core writes the success event (CreateVirtualMFADevice); failures are written here.
    audit: 'failures',
    params: {
      VirtualMFADeviceName: { type: 'string', required: true, min: 1, max: 226, pattern: /^[\w+=,.@-]+$/, patternText: '[\\w+=,.@-]+' },
      // pathType: `/` or `/…/` of printable ASCII; the MFA core then applies its stricter device-path rule.
      Path: { type: 'string', min: 1, max: 512, pattern: /^(?:\/|\/[\u0021-\u007F]+\/)$/, patternText: '(\\u002F)|(\\u002F[\\u0021-\\u007F]+\\u002F)' },
    },
    async handle({ params, caller: signed, request }) {
      const caller = requireCaller(signed);
      const model = broker.model;
      const path = params.Path ?? '/';
      const serial = deviceSerial(model.partition, model.account, path, params.VirtualMFADeviceName);
      authorizeIamCaller(broker, caller, request, 'iam:CreateVirtualMFADevice', serial);
      const enrolment = await broker.mfa.createVirtualDevice({ name: params.VirtualMFADeviceName, path }, mfaContext(caller, request));
      return {
        VirtualMFADevice: {
          SerialNumber: enrolment.device.serial,
          Base32StringSeed: Buffer.from(enrolment.seedBase32, 'ascii').toString('base64'),
          QRCodePNG: enrolment.qrCodePng.toString('base64'),
        },
      };
    },
  });
}
