// Fills requests and limits leaf by leaf from a profile. A default never contradicts a value the
// user wrote: a defaulted limit is raised to the user's request, a defaulted request is lowered
// to the user's limit, so defaulting alone never produces a B-RES-1 violation.
import { isAbsent, valueAt } from '../api/json.js';
import { parseQuantity } from '../api/quantity.js';
import type { ResourceRequirements } from '../api/common.js';
import type { DefaultsRecorder } from './recorder.js';

type Quantity = string | number;

export function fillResources(
  recorder: DefaultsRecorder,
  path: readonly string[],
  profile: ResourceRequirements,
): void {
  // Nothing written by the user: the profile goes in as it is, in one operation (fill returns
  // the value now at the path: the profile itself only when it filled the path).
  const written = recorder.fill(path, profile);
  if (written === profile) return;
  // Leaf by leaf, reading what is written before building any path: on an object defaulted
  // before (every UPDATE) nothing is absent, and this runs for 8 components per decision.
  const userRequests = valueAt(written, ['requests']);
  const userLimits = valueAt(written, ['limits']);
  const fillSide = (
    side: 'requests' | 'limits',
    defaults: Record<string, Quantity> | undefined,
    userSide: unknown,
    agreeingWithUser: (value: Quantity, name: string) => Quantity,
  ) => {
    for (const name in defaults) {
      if (isAbsent(valueAt(userSide, [name]))) {
        recorder.fill([...path, side, name], agreeingWithUser(defaults[name] as Quantity, name));
      }
    }
  };
  // A defaulted request is lowered to the user's limit, a defaulted limit raised to the user's request.
  fillSide('requests', profile.requests, userRequests, (request, name) => {
    const userLimit = valueAt(userLimits, [name]) as Quantity | undefined;
    return userLimit !== undefined && less(userLimit, request) ? userLimit : request;
  });
  fillSide('limits', profile.limits, userLimits, (limit, name) => {
    const userRequest = valueAt(userRequests, [name]) as Quantity | undefined;
    return userRequest !== undefined && less(limit, userRequest) ? userRequest : limit;
  });
}

function less(a: Quantity, b: Quantity): boolean {
  const x = parseQuantity(a);
  const y = parseQuantity(b);
  return x !== undefined && y !== undefined && x < y;
}
