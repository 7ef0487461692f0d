/** The KMS-backed credential cipher, built once per process from configuration (functions that decrypt passwords). */
import { KMSClient } from '@aws-sdk/client-kms';
import { KmsCredentialCipher } from '../adapters/crypto/kms-credential-cipher.js';

export const kmsCredentialCipher = (config: { AWS_REGION: string; KMS_KEY_ID: string }) =>
  new KmsCredentialCipher(new KMSClient({ region: config.AWS_REGION }), config.KMS_KEY_ID);
