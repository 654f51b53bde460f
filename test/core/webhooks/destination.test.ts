import { describe, expect, it } from 'vitest';
import {
  AWS_DESTINATIONS,
  checkDestination,
  DestinationRefused,
  type HostResolver,
  isAllowedAddress,
  LOCAL_DESTINATIONS,
  parseDestinationUrl,
} from '../../../lambdas/core/webhooks/destination';

const resolvesTo =
  (...addresses: string[]): HostResolver =>
  async () =>
    addresses;
const noDns: HostResolver = async () => {
  throw new Error('ENOTFOUND');
};

async function refusal(raw: string, policy = AWS_DESTINATIONS, resolve: HostResolver = noDns) {
  try {
    await checkDestination(parseDestinationUrl(raw, policy), policy, resolve);
  } catch (error) {
    if (error instanceof DestinationRefused) return error.reason;
    throw error;
  }
  return undefined;
}

describe('webhook destinations', () => {
  it.each([
    ['169.254.169.254', 'the EC2/ECS metadata endpoint (link-local)'],
    ['169.254.170.2', 'the ECS task metadata endpoint'],
    ['10.1.2.3', 'private 10/8'],
    ['172.16.0.1', 'private 172.16/12'],
    ['192.168.1.1', 'private 192.168/16'],
    ['100.64.0.1', 'CGNAT'],
    ['100.100.100.200', 'a cloud metadata address inside CGNAT'],
    ['127.0.0.1', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.251', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.2.10', 'documentation'],
    ['::1', 'IPv6 loopback'],
    ['fe80::1', 'IPv6 link-local'],
    ['fd00:ec2::254', 'the IPv6 metadata endpoint (unique local)'],
    ['fc00::1', 'IPv6 unique local'],
    ['ff02::1', 'IPv6 multicast'],
    ['::ffff:169.254.169.254', 'IPv4-mapped metadata'],
    ['::ffff:10.0.0.1', 'IPv4-mapped private'],
    ['64:ff9b::a9fe:a9fe', 'NAT64 of the metadata address'],
    ['2002:a9fe:a9fe::1', '6to4 of the metadata address'],
    ['not-an-address', 'garbage'],
  ])('refuses %s (%s) on AWS', (address) => {
    expect(isAllowedAddress(address, AWS_DESTINATIONS)).toBe(false);
  });

  it('allows public unicast addresses, and loopback only in the local runtime', () => {
    for (const address of ['93.184.215.14', '2606:4700:4700::1111']) {
      expect(isAllowedAddress(address, AWS_DESTINATIONS)).toBe(true);
    }
    expect(isAllowedAddress('127.0.0.1', LOCAL_DESTINATIONS)).toBe(true);
    expect(isAllowedAddress('::1', LOCAL_DESTINATIONS)).toBe(true);
    expect(isAllowedAddress('169.254.169.254', LOCAL_DESTINATIONS)).toBe(false);
    expect(isAllowedAddress('192.168.1.1', LOCAL_DESTINATIONS)).toBe(false);
  });

  it('refuses a name that resolves to the metadata address, or to any internal address among public ones', async () => {
    expect(
      await refusal('https://hooks.example.com/x', AWS_DESTINATIONS, resolvesTo('169.254.169.254')),
    ).toBe('the host is not a public address');
    expect(
      await refusal('https://hooks.example.com/x', AWS_DESTINATIONS, resolvesTo('93.184.215.14', '10.0.0.5')),
    ).toBe('the host is not a public address');
    expect(await refusal('https://hooks.example.com/x', AWS_DESTINATIONS, resolvesTo('93.184.215.14'))).toBe(
      undefined,
    );
  });

  it('refuses IP literals in every spelling the URL parser normalises to an internal address', async () => {
    for (const url of [
      'https://169.254.169.254/latest/meta-data',
      'https://[::ffff:a9fe:a9fe]/',
      'https://[fd00:ec2::254]/',
      'https://2852039166/', // 169.254.169.254 as one decimal number
      'https://0xa9.0xfe.0xa9.0xfe/',
      'https://127.1/',
    ]) {
      expect(await refusal(url), url).toBe('the host is not a public address');
    }
  });

  it('accepts only https on AWS; locally also http, and that to loopback only', async () => {
    expect(await refusal('http://93.184.215.14/hook')).toBe('must be https');
    expect(await refusal('ftp://93.184.215.14/hook')).toBe('must be https');
    expect(await refusal('https://93.184.215.14/hook')).toBeUndefined();
    expect(await refusal('http://127.0.0.1:8080/hook')).toBe('must be https');
    expect(await refusal('http://127.0.0.1:8080/hook', LOCAL_DESTINATIONS)).toBeUndefined();
    expect(
      await refusal('http://localhost:8080/hook', LOCAL_DESTINATIONS, resolvesTo('127.0.0.1')),
    ).toBeUndefined();
    expect(await refusal('http://93.184.215.14/hook', LOCAL_DESTINATIONS)).toBe(
      'http is allowed to loopback only; use https',
    );
    expect(await refusal('https://10.0.0.1/hook', LOCAL_DESTINATIONS)).toBe(
      'the host is not a public address',
    );
  });

  it('refuses credentials in the URL, relative URLs, names that do not resolve and very long URLs', async () => {
    expect(await refusal('https://user:pass@93.184.215.14/')).toBe('must not carry credentials');
    expect(await refusal('/relative')).toBe('not an absolute URL');
    expect(await refusal('https://nowhere.invalid/')).toBe('the host does not resolve');
    expect(await refusal('https://empty.example/', AWS_DESTINATIONS, resolvesTo())).toBe(
      'the host does not resolve',
    );
    expect(await refusal(`https://93.184.215.14/${'a'.repeat(2048)}`)).toBe('the URL is too long');
  });
});
