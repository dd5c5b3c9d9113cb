// Fills requests and limits leaf by leaf from a profile. A default never contradicts a value the
// user wrote: a defaulted limit is raised to the user's request, a defaulted request is lowered
// to the user's limit, so defaulting alone never produces a B-RES-1 violation.
import { parseQuantity } from '../api/quantity.js';
import type { ResourceRequirements } from '../api/common.js';
import type { DefaultsRecorder } from './recorder.js';

type Quantity = string | number;

export function fillResources(
  recorder: DefaultsRecorder,
  path: readonly string[],
  profile: ResourceRequirements,
): void {
  // Nothing written by the user: the profile as it is, in one operation.
  if (recorder.get(path) === undefined) {
    recorder.fill(path, profile);
    return;
  }
  const names = new Set([...Object.keys(profile.requests ?? {}), ...Object.keys(profile.limits ?? {})]);
  for (const name of names) {
    const requestPath = [...path, 'requests', name];
    const limitPath = [...path, 'limits', name];
    const userRequest = recorder.get(requestPath) as Quantity | undefined;
    const userLimit = recorder.get(limitPath) as Quantity | undefined;
    const profileRequest = profile.requests?.[name];
    const profileLimit = profile.limits?.[name];
    if (profileRequest !== undefined) {
      recorder.fill(
        requestPath,
        userLimit !== undefined && less(userLimit, profileRequest) ? userLimit : profileRequest,
      );
    }
    if (profileLimit !== undefined) {
      recorder.fill(
        limitPath,
        userRequest !== undefined && less(profileLimit, userRequest) ? userRequest : profileLimit,
      );
    }
  }
}

function less(a: Quantity, b: Quantity): boolean {
  const x = parseQuantity(a);
  const y = parseQuantity(b);
  return x !== undefined && y !== undefined && x < y;
}
