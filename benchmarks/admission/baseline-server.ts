// The benchmark's baseline: a bare fastify 5 HTTPS server with the same key type and body limit
// that parses the same AdmissionReview and answers "allowed" with its uid. Everything the real
// server spends beyond this is the cost of rules, defaults, patch, metrics and logging.
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const [certFile, keyFile, port] = process.argv.slice(2);
const app = Fastify({
  https: { cert: readFileSync(certFile as string), key: readFileSync(keyFile as string) },
  bodyLimit: 8 * 1024 * 1024,
  keepAliveTimeout: 95_000,
  logger: false,
});
const answer = async (req: { body: unknown }) => {
  const uid = (req.body as { request?: { uid?: string } }).request?.uid;
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid, allowed: true } };
};
for (const path of [
  '/mutate-vyogo-tech-v1alpha1-frappebench',
  '/mutate-vyogo-tech-v1alpha1-frappesite',
  '/validate-vyogo-tech-v1alpha1-frappebench',
  '/validate-vyogo-tech-v1alpha1-frappesite',
]) {
  app.post(path, answer);
}
app.get('/readyz', async () => 'ok');
await app.listen({ host: '127.0.0.1', port: Number(port) });
process.once('SIGINT', () => void app.close().then(() => process.exit(0)));
