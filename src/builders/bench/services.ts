// The Services of a bench (API.md §8): `<b>-gunicorn` (8000), `<b>-nginx` (8080), `<b>-socketio`
// (9000) and the Redis ones (6379). ClusterIP for all, Redis included: a virtual IP outlives the
// single Redis pod, so a restarted Redis never leaves clients holding a stale pod address.
import type { FrappeBench } from '../../api/frappe-bench.js';
import { childMetadata, type Child } from '../child.js';
import { selectorLabels } from './pod-template.js';

export function buildService(
  bench: FrappeBench,
  name: string,
  component: string,
  portName: string,
  port: number,
): Child {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: childMetadata(bench, name, component),
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels(bench, component),
      ports: [{ name: portName, port, targetPort: portName, protocol: 'TCP' }],
    },
  };
}
