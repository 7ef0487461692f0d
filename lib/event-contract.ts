/** What the poller publishes to the bus and the delivery rule matches (the EventBridge publisher's constants). */

/** `source` of every event the poller publishes (the EventBridge publisher's `EVENT_SOURCE`). */
export const EVENT_SOURCE = 'konnektive-zapier';
/** `detail-type` of a detected CRM event (the EventBridge publisher's `EVENT_DETAIL_TYPE`). */
export const EVENT_DETAIL_TYPE = 'KonnektiveEventDetected';
