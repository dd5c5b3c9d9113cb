// What an AdmissionReview the webhooks take must hold, as a JSON schema: generated into a validator
// with the kinds' schemas (scripts/validator-code.ts), checked before anything reads the request.
export const ADMISSION_API_VERSION = 'admission.k8s.io/v1';

/** The name of the envelope's validator among the generated ones (not a kind). */
export const ADMISSION_REVIEW_ENVELOPE = 'AdmissionReview';

export const ENVELOPE_SCHEMA = {
  type: 'object',
  required: ['apiVersion', 'kind', 'request'],
  properties: {
    apiVersion: { const: ADMISSION_API_VERSION },
    kind: { const: 'AdmissionReview' },
    request: {
      type: 'object',
      required: ['uid', 'kind', 'operation'],
      properties: {
        uid: { type: 'string', minLength: 1, maxLength: 128 },
        kind: {
          type: 'object',
          required: ['kind'],
          properties: { group: { type: 'string' }, version: { type: 'string' }, kind: { type: 'string' } },
        },
        operation: { enum: ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'] },
        namespace: { type: 'string' },
        name: { type: 'string' },
        object: { type: ['object', 'null'] },
        oldObject: { type: ['object', 'null'] },
        dryRun: { type: 'boolean' },
        userInfo: { type: 'object' },
      },
    },
  },
} as const;
