// How a denial refers to another object without leaking across tenants: objects of the
// requester's own namespace by name, any other only as "in another namespace".
import type { SiteSummary } from '../../api/site-summary.js';

export function describeOther(site: SiteSummary, ownNamespace: string): string {
  return site.namespace === ownNamespace ? `FrappeSite ${site.name}` : 'a FrappeSite in another namespace';
}
