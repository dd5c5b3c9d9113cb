// Deciding one admission request: the review's request in, the engine's decision and the
// AdmissionResponse out. No metrics, no logs, no HTTP: recording is decision-log.ts, transport app.ts.
import { admitMutation, admitValidation } from '../admission/admit.js';
import type { AdmissionContext } from '../admission/context.js';
import type { Decision } from '../api/admission-types.js';
import type { AdmittedKind, WebhookKind } from '../api/kinds.js';
import {
  admissionInput,
  denied,
  responseFor,
  type AdmissionRequest,
  type AdmissionResponse,
} from './admission-review.js';

/** The two decisions the webhooks make: the rules engine's admitMutation and admitValidation. */
export type Engine = Record<WebhookKind, typeof admitMutation>;

export const ADMISSION_ENGINE: Engine = { mutate: admitMutation, validate: admitValidation };

export interface Route {
  path: string;
  webhook: WebhookKind;
  kind: AdmittedKind;
}

/** What deciding gave: the decision, or the error the engine threw (a bug: a 500 answer). */
export type Decided =
  | { decision: Decision; failure?: undefined; response: AdmissionResponse }
  | { decision?: undefined; failure: unknown; response: AdmissionResponse };

export function decide(
  engine: Engine,
  route: Route,
  request: AdmissionRequest,
  context: AdmissionContext,
): Decided {
  let decision: Decision;
  try {
    decision = engine[route.webhook](route.kind, admissionInput(request), context);
  } catch (failure) {
    const message = `internal error deciding ${route.kind}: ${(failure as Error)?.message}`;
    return { failure, response: denied(request.uid, 500, message) };
  }
  return { decision, response: responseFor(request.uid, decision) };
}
