/** The environment the stack gives a Lambda function (every table, key, bus and queue), with placeholder values. */
export const LAMBDA_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  CONNECTIONS_TABLE: 'test-Connections',
  TOKENS_TABLE: 'test-Tokens',
  SUBSCRIPTIONS_TABLE: 'test-Subscriptions',
  CURSORS_TABLE: 'test-Cursors',
  LEDGER_TABLE: 'test-Ledger',
  DELIVERIES_TABLE: 'test-Deliveries',
  HOOK_RATES_TABLE: 'test-HookRates',
  IDEMPOTENCY_TABLE: 'test-Idempotency',
  KMS_KEY_ID: 'alias/test',
  EVENT_BUS_NAME: 'bus',
  POLL_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/0/polls',
  DELIVERY_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/0/deliveries',
  DELIVERY_DLQ_URL: 'https://sqs.us-east-1.amazonaws.com/0/dlq',
};
