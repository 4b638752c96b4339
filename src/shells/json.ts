import { isoSeconds } from '../credentials.js';
import type { DocumentFormat } from './types.js';

/** The credential_process schema (Version 1), read by the AWS CLI and every SDK. */
export const json: DocumentFormat = {
  kind: 'document',
  name: 'json',
  aliases: [],
  description: 'credential_process JSON (Version 1) for AWS CLI and SDK profiles',
  render({ credentials }) {
    const document: Record<string, string | number> = {
      Version: 1,
      AccessKeyId: credentials.accessKeyId,
      SecretAccessKey: credentials.secretAccessKey,
    };
    if (credentials.sessionToken) document.SessionToken = credentials.sessionToken;
    if (credentials.expiration) document.Expiration = isoSeconds(credentials.expiration);
    return `${JSON.stringify(document)}\n`;
  },
};
