// Fills requests and limits leaf by leaf from a profile. A default never contradicts a value the
// user wrote: a defaulted limit is raised to the user's request, a defaulted request is lowered
// to the user's limit, so defaulting alone never produces a B-RES-1 violation.
import { isAbsent, isObject } from '../api/json.js';
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
  if (written === profile || !isObject(written)) return;
  // Leaf by leaf, reading what is written before building any path: on an object defaulted
  // before (every UPDATE) nothing is absent, and this runs for 9 resource blocks per decision.
  const userRequests = written.requests;
  const userLimits = written.limits;
  fillSide(recorder, path, 'requests', profile.requests, userRequests, userLimits);
  fillSide(recorder, path, 'limits', profile.limits, userLimits, userRequests);
}

/**
 * Fills the absent leaves of one side from its defaults. A defaulted request is lowered to the
 * user's limit (`other`), a defaulted limit raised to the user's request.
 */
function fillSide(
  recorder: DefaultsRecorder,
  path: readonly string[],
  side: 'requests' | 'limits',
  defaults: Record<string, Quantity> | undefined,
  written: unknown,
  other: unknown,
): void {
  for (const name in defaults) {
    if (!isAbsent(member(written, name))) continue;
    const fallback = defaults[name] as Quantity;
    const bound = member(other, name) as Quantity | undefined;
    const crosses =
      bound !== undefined && (side === 'requests' ? less(bound, fallback) : less(fallback, bound));
    recorder.fill([...path, side, name], crosses ? bound : fallback);
  }
}

/** object[name] when object is a JSON object, else undefined. */
const member = (object: unknown, name: string): unknown => (isObject(object) ? object[name] : undefined);

function less(a: Quantity, b: Quantity): boolean {
  const x = parseQuantity(a);
  const y = parseQuantity(b);
  return x !== undefined && y !== undefined && x < y;
}
