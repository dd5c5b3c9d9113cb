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
  const fillLeaf = (side: 'requests' | 'limits', name: string, value: Quantity) =>
    recorder.fill([...path, side, name], value);
  for (const name in profile.requests) {
    const userRequest = valueAt(userRequests, [name]) as Quantity | undefined;
    const userLimit = valueAt(userLimits, [name]) as Quantity | undefined;
    const profileRequest = profile.requests[name] as Quantity;
    if (isAbsent(userRequest))
      fillLeaf(
        'requests',
        name,
        userLimit !== undefined && less(userLimit, profileRequest) ? userLimit : profileRequest,
      );
  }
  for (const name in profile.limits) {
    const userRequest = valueAt(userRequests, [name]) as Quantity | undefined;
    const userLimit = valueAt(userLimits, [name]) as Quantity | undefined;
    const profileLimit = profile.limits[name] as Quantity;
    if (isAbsent(userLimit))
      fillLeaf(
        'limits',
        name,
        userRequest !== undefined && less(profileLimit, userRequest) ? userRequest : profileLimit,
      );
  }
}

function less(a: Quantity, b: Quantity): boolean {
  const x = parseQuantity(a);
  const y = parseQuantity(b);
  return x !== undefined && y !== undefined && x < y;
}
