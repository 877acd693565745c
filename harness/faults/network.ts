/**
 * network: a Toxiproxy toxic on the proxy between the workers and the
 * database for the length of the window (latency, timeout, reset_peer,
 * bandwidth, slicer, limit_data, slow_close), or the proxy disabled ("down").
 */
import type { Proxy as ToxiproxyProxy } from 'toxiproxy-node-client';
import type { FaultWindow } from '../core/fault-plan.ts';
import type { FaultAction, FaultEnvironment } from './types.ts';

function proxyOf(env: FaultEnvironment): ToxiproxyProxy {
  if (!env.proxy) throw new Error('network fault without a Toxiproxy proxy');
  return env.proxy;
}

const toxicName = (window: FaultWindow) => `chaos-${window.fault}-${window.startMs}`;

export const network: FaultAction = {
  async start(env, window) {
    const proxy = proxyOf(env);
    const toxic = window.spec.toxic!;
    if (toxic.type === 'down') {
      await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
      return { toxic: 'down' };
    }
    await proxy.addToxic({
      name: toxicName(window),
      type: toxic.type,
      stream: toxic.stream ?? 'downstream',
      toxicity: toxic.toxicity ?? 1,
      attributes: toxic.attributes ?? {},
    });
    return { toxic: toxic.type, attributes: toxic.attributes ?? {} };
  },
  async stop(env, window) {
    const proxy = proxyOf(env);
    if (window.spec.toxic!.type === 'down') {
      await proxy.update({ enabled: true, listen: proxy.listen, upstream: proxy.upstream });
      return;
    }
    const toxic = await proxy.getToxic(toxicName(window)).catch(() => undefined);
    await toxic?.remove();
  },
};
