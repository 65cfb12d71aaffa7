/** IP addresses and CIDR blocks for the `IpAddress` / `NotIpAddress` condition operators. */

/** An address as a number, with its family's width in bits. */
export interface IpValue {
  bits: 32 | 128;
  value: bigint;
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^(?:0|[1-9]\d{0,2})$/.test(part) || Number(part) > 255) return undefined;
    value = (value << 8n) | BigInt(part);
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    // An embedded IPv4 address (`::ffff:192.0.2.1`) stands for the last two groups.
    const v4 = parseIpv4(last);
    if (v4 === undefined) return undefined;
    const high = (v4 >> 16n).toString(16);
    const low = (v4 & 0xffffn).toString(16);
    text = `${text.slice(0, lastColon + 1)}${high}:${low}`;
  }

  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves[1] ? halves[1].split(':') : [];
  let groups = head;
  if (halves.length === 2) {
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return undefined;
    groups = [...head, ...new Array<string>(missing).fill('0'), ...tail];
  }
  if (groups.length !== 8) return undefined;

  let value = 0n;
  for (const group of groups) {
    if (!/^[0-9A-Fa-f]{1,4}$/.test(group)) return undefined;
    value = (value << 16n) | BigInt(`0x${group}`);
  }
  return value;
}

/** Parses a dotted IPv4 or a (possibly compressed) IPv6 address; undefined when malformed. */
export function parseIp(text: string): IpValue | undefined {
  if (text.includes(':')) {
    const value = parseIpv6(text);
    return value === undefined ? undefined : { bits: 128, value };
  }
  const value = parseIpv4(text);
  return value === undefined ? undefined : { bits: 32, value };
}

/** Whether `block` is an address or a CIDR block (`192.0.2.0/24`, `2001:db8::/32`). */
export function isIpBlock(block: string): boolean {
  return parseBlock(block) !== undefined;
}

function parseBlock(block: string): { ip: IpValue; prefix: number } | undefined {
  const slash = block.indexOf('/');
  const ip = parseIp(slash === -1 ? block : block.slice(0, slash));
  if (ip === undefined) return undefined;
  if (slash === -1) return { ip, prefix: ip.bits };
  const prefixText = block.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > ip.bits) return undefined;
  return { ip, prefix: Number(prefixText) };
}

/**
 * Whether `address` lies in `block`. Families never mix (an IPv4 address is not in an IPv6
 * block, IPv4-mapped forms included); malformed input is never inside.
 *
 * @example ipInBlock('192.0.2.7', '192.0.2.0/24') // true
 */
export function ipInBlock(address: string, block: string): boolean {
  const ip = parseIp(address);
  const range = parseBlock(block);
  if (ip === undefined || range === undefined || ip.bits !== range.ip.bits) return false;
  const shift = BigInt(ip.bits - range.prefix);
  return ip.value >> shift === range.ip.value >> shift;
}
