/** CredentialCipher adapters: KMS in AWS, AES-256-GCM with a local key file for the local runtime. */
export { CredentialCipherError } from './errors.js';
export { KmsCredentialCipher } from './kms-credential-cipher.js';
export { LocalCredentialCipher } from './local-credential-cipher.js';
