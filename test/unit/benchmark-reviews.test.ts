// The admission benchmark's reviews are what its header says: complete requests the server allows,
// and an UPDATE carries objects our mutating webhook has already defaulted (as the API server sends
// them), so the validating webhook is measured on the objects it really sees.
import { describe, expect, it } from 'vitest';
import { routeOf, scenarios } from '../../benchmarks/admission/reviews.js';
import { admitMutation, admitValidation } from '../../src/admission/admit.js';
import { staticClusterView } from '../../src/api/static-cluster-view.js';
import { operatorConfig } from '../../src/defaults/config.js';
import { admissionInput, type AdmissionRequest } from '../../src/webhooks/admission-review.js';

const context = { view: staticClusterView([]), config: operatorConfig() };

describe('admission benchmark reviews', () => {
  for (const scenario of scenarios()) {
    const request = (JSON.parse(scenario.body) as { request: AdmissionRequest }).request;

    it(`${scenario.name} is allowed on its path`, () => {
      const route = routeOf(scenario);
      expect(route.kind).toBe(request.kind.kind);
      const admit = route.webhook === 'mutate' ? admitMutation : admitValidation;
      const decision = admit(request.kind.kind as never, admissionInput(request), context);
      expect(decision.violations).toEqual([]);
      expect(decision.allowed).toBe(true);
      if (request.operation === 'CREATE') expect(decision.patch.length).toBeGreaterThan(0);
    });

    if (request.operation === 'UPDATE') {
      it(`${scenario.name} carries objects the mutating webhook already defaulted`, () => {
        for (const object of [request.object, request.oldObject]) {
          const input = admissionInput({ ...request, object, oldObject: request.oldObject });
          expect(admitMutation(request.kind.kind as never, input, context).patch).toEqual([]);
        }
      });
    }
  }
});
