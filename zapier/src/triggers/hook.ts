import type { Bundle, FieldChoiceWithLabel, ZObject } from 'zapier-platform-core';
import { apiErrorFor } from '../api-errors.js';
import { apiUrl } from '../config.js';
import { isRecord, nonEmptyString } from '../json.js';

/**
 * The REST-hook mechanics shared by the `order` and `transaction` triggers: subscribe and unsubscribe on our
 * API, unwrap delivered payloads, and fetch samples for the Zap editor. Our backend polls Konnektive and POSTs one
 * JSON object per event to the subscription's targetUrl.
 */
export interface HookTriggerSpec {
  /** The API's trigger name. */
  trigger: 'order' | 'transaction';
  /** The input field holding the event type (`orderType` / `transactionType`). */
  typeField: string;
  /** Event type → label shown in the dropdown. */
  types: Readonly<Record<string, string>>;
}

/** Static dropdown choices in a fixed order. */
export const typeChoices = (types: Readonly<Record<string, string>>): FieldChoiceWithLabel[] =>
  Object.entries(types).map(([value, label]) => ({ value, label, sample: value }));

const eventType = (spec: HookTriggerSpec, z: ZObject, bundle: Bundle): string => {
  const value = bundle.inputData?.[spec.typeField];
  if (typeof value === 'string' && Object.hasOwn(spec.types, value)) return value;
  throw new z.errors.Error(
    `Choose a ${spec.trigger} type: ${Object.keys(spec.types).join(', ')} (got ${JSON.stringify(value ?? null)}).`,
    'INVALID_TYPE',
    400,
  );
};

/** Builds the four hook functions for one trigger. */
export const hookOperation = (spec: HookTriggerSpec) => {
  /** POST /subscriptions; the answer (with its top-level `id`) becomes `bundle.subscribeData`. */
  const performSubscribe = async (z: ZObject, bundle: Bundle): Promise<Record<string, unknown>> => {
    const type = eventType(spec, z, bundle);
    if (!nonEmptyString(bundle.targetUrl)) {
      throw new z.errors.Error(
        'Zapier did not provide a target URL to subscribe.',
        'MISSING_TARGET_URL',
        400,
      );
    }
    const response = await z.request({
      method: 'POST',
      url: apiUrl('/subscriptions'),
      body: { trigger: spec.trigger, type, targetUrl: bundle.targetUrl },
    });
    const subscription: unknown = response.data;
    if (!isRecord(subscription) || !nonEmptyString(subscription.id)) {
      throw new z.errors.Error(
        'The Konnektive service did not return a subscription id.',
        'BAD_RESPONSE',
        502,
      );
    }
    return subscription;
  };

  /**
   * DELETE /subscriptions/{id}. Unknown ids are fine (204 or 404): the subscription is gone either way, and an
   * unsubscribe that fails would leave the Zap stuck. Without a stored id there is nothing to delete; the backend
   * also drops a subscription when its hook URL answers 410.
   */
  const performUnsubscribe = async (z: ZObject, bundle: Bundle): Promise<Record<string, unknown>> => {
    const id = nonEmptyString(bundle.subscribeData?.id);
    if (!id) return { deleted: false };
    const response = await z.request({
      method: 'DELETE',
      url: apiUrl(`/subscriptions/${encodeURIComponent(id)}`),
      skipThrowForStatus: true,
    });
    if (response.status >= 400 && response.status !== 404) throw apiErrorFor(response, z, bundle);
    return { id, deleted: true };
  };

  /**
   * One delivered event. Our backend posts one object per event; an array is returned as is, so a batch would
   * still become one Zap run per element.
   */
  const perform = (_z: ZObject, bundle: Bundle): Record<string, unknown>[] => {
    const payload: unknown = bundle.cleanedRequest;
    if (Array.isArray(payload)) return payload.filter(isRecord);
    return isRecord(payload) ? [payload] : [];
  };

  /**
   * Recent real records for the editor, in the same shape as hook payloads (the backend's one serializer). When the
   * account has none, the API answers `source: 'static'` with a made-up record; that is not data, so nothing is
   * returned and Zapier falls back to the trigger's own static `sample`, which it labels as a sample.
   */
  const performList = async (z: ZObject, bundle: Bundle): Promise<Record<string, unknown>[]> => {
    const type = eventType(spec, z, bundle);
    const response = await z.request({
      url: apiUrl(`/triggers/${spec.trigger}/samples`),
      params: { type },
    });
    const answer = isRecord(response.data) ? response.data : {};
    const { samples, source } = answer;
    if (!Array.isArray(samples)) {
      throw new z.errors.Error('The Konnektive service did not return samples.', 'BAD_RESPONSE', 502);
    }
    return source === 'live' ? samples.filter(isRecord) : [];
  };

  return { type: 'hook' as const, performSubscribe, performUnsubscribe, perform, performList };
};
