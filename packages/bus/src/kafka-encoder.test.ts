import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// kafkajs' own record encoder and checksum, as patched (patches/kafkajs@2.2.4.patch: varints written in place, buffers
// not zero-filled, a record's headers written into its own encoder, CRC-32C eight bytes at a time): the bytes it
// writes must still be the Kafka record format byte for byte.
const require = createRequire(import.meta.url);
const Encoder = require('kafkajs/src/protocol/encoder') as new () => {
  writeVarInt(value: number): unknown;
  writeVarLong(value: number | bigint): unknown;
  writeUVarInt(value: number): unknown;
  readonly buffer: Buffer;
};
const Record = require('kafkajs/src/protocol/recordBatch/record/v0') as (record: {
  offsetDelta?: number;
  timestampDelta?: number;
  key: string | Buffer | null;
  value: string | Buffer | null;
  headers?: Record<string, string>;
}) => { readonly buffer: Buffer };

const crc32C = require('kafkajs/src/protocol/recordBatch/crc32C') as (buffer: Buffer) => number;

const groupMessagesPerPartition = require('kafkajs/src/producer/groupMessagesPerPartition') as (args: {
  topic: string;
  partitionMetadata: unknown[];
  messages: { key: string; value: string }[];
  partitioner: (args: { message: { key: string } }) => number;
}) => Record<string, { key: string; value: string }[]>;

/** An unsigned LEB128 varint of a non-negative bigint (the protobuf and Kafka varint). */
function unsignedVarint(value: bigint): number[] {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80n) {
    bytes.push(Number((rest & 0x7fn) | 0x80n));
    rest >>= 7n;
  }
  bytes.push(Number(rest));
  return bytes;
}

/** A signed varint (Kafka `varint` / `varlong`): ZigZag, then LEB128. */
function signedVarint(value: number | bigint, bits: 32n | 64n): number[] {
  const v = BigInt(value);
  const mask = (1n << bits) - 1n;
  return unsignedVarint(((v << 1n) ^ (v < 0n ? mask : 0n)) & mask);
}

/**
 * A record as the Kafka protocol guide lays it out (message format v2): length varint, attributes int8,
 * timestampDelta varlong, offsetDelta varint, key and value as varint length + bytes (-1 for null), headers as a
 * varint count of (varint key length, key, varint value length, value).
 */
function expectedRecord(record: {
  offsetDelta: number;
  timestampDelta: number;
  key: string | null;
  value: string;
  headers: Record<string, string>;
}): Buffer {
  const bytesOf = (text: string | null) =>
    text === null ? signedVarint(-1, 32n) : [...signedVarint(Buffer.byteLength(text), 32n), ...Buffer.from(text)];
  const headers = Object.entries(record.headers);
  const body = [
    0,
    ...signedVarint(record.timestampDelta, 64n),
    ...signedVarint(record.offsetDelta, 32n),
    ...bytesOf(record.key),
    ...bytesOf(record.value),
    ...signedVarint(headers.length, 32n),
    ...headers.flatMap(([key, value]) => [...bytesOf(key), ...bytesOf(value)]),
  ];
  return Buffer.from([...signedVarint(body.length, 32n), ...body]);
}

const hex = (bytes: Buffer | number[]) => Buffer.from(bytes).toString('hex');

describe('kafkajs encoder (patched)', () => {
  it('writes the varints of the protobuf encoding guide', () => {
    // developers.google.com/protocol-buffers/docs/encoding: 150 is 96 01; ZigZag maps 0, -1, 1, -2, 2^31-1 and
    // -2^31 to 0, 1, 2, 3, 2^32-2 and 2^32-1.
    const unsigned = new Encoder();
    unsigned.writeUVarInt(150);
    expect(hex(unsigned.buffer)).toBe('9601');
    const vectors: [number, string][] = [
      [0, '00'],
      [-1, '01'],
      [1, '02'],
      [-2, '03'],
      [2_147_483_647, 'feffffff0f'],
      [-2_147_483_648, 'ffffffff0f'],
    ];
    for (const [value, bytes] of vectors) {
      const int = new Encoder();
      int.writeVarInt(value);
      expect(hex(int.buffer), `varint ${value}`).toBe(bytes);
      const long = new Encoder();
      long.writeVarLong(value);
      expect(hex(long.buffer), `varlong ${value}`).toBe(bytes);
    }
  });

  it('writes varlongs in and out of the 32-bit range as ZigZag LEB128 of 64 bits', () => {
    for (const value of [63, 64, -64, -65, 8_191, 8_192, 2 ** 31, -(2 ** 31) - 1, 2 ** 40 + 3, -(2 ** 45), 1.7e12]) {
      const encoder = new Encoder();
      encoder.writeVarLong(value);
      expect(hex(encoder.buffer), `varlong ${value}`).toBe(hex(signedVarint(value, 64n)));
    }
  });

  it('groups a send by partition, each partition its messages in the order given', () => {
    const messages = Array.from({ length: 2_000 }, (_, index) => ({ key: `SYM${index % 13}`, value: String(index) }));
    const partitionOf = (key: string) => Number(key.slice(3)) % 6;
    const grouped = groupMessagesPerPartition({
      topic: 't',
      partitionMetadata: [{}],
      messages,
      partitioner: ({ message }) => partitionOf(message.key),
    });
    expect(Object.keys(grouped)).toEqual(['0', '1', '2', '3', '4', '5']);
    for (const [partition, group] of Object.entries(grouped)) {
      expect(group).toEqual(messages.filter((message) => partitionOf(message.key) === Number(partition)));
    }
  });

  it('encodes records byte for byte as the record format lays them out, one encoder after another', () => {
    const records = [
      { offsetDelta: 0, timestampDelta: 0, key: 'BTCUSDT', value: '{"a":1}', headers: {} },
      {
        offsetDelta: 299,
        timestampDelta: 70_000,
        key: 'ETHUSDT',
        value: JSON.stringify({ explanation: 'EMA(12) crossed EMA(26) — ↑', price: '64 210.5' }),
        headers: { 'schema-version': '1', 'signal-id': 'sig_01J9Z8', 'strategy-id': 'a0b1c2d3' },
      },
      { offsetDelta: 1, timestampDelta: -5, key: null, value: 'x'.repeat(3_000), headers: { 'h-é': 'v' } },
      { offsetDelta: 70_000, timestampDelta: 2 ** 33, key: '', value: '', headers: { a: '' } },
    ];
    for (const record of records) {
      expect(hex(Record(record).buffer)).toBe(hex(expectedRecord(record)));
    }
  });

  it('checksums record batches with CRC-32C: the published check values, and a bitwise CRC on every length', () => {
    // The catalogue's check value (CRC-32/ISCSI of "123456789") and RFC 3720's B.4 vectors.
    expect(crc32C(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32C(Buffer.alloc(32, 0))).toBe(0x8a9136aa);
    expect(crc32C(Buffer.alloc(32, 0xff))).toBe(0x62a8ab43);
    expect(crc32C(Buffer.from(Array.from({ length: 32 }, (_, i) => i)))).toBe(0x46dd794e);
    expect(crc32C(Buffer.from(Array.from({ length: 32 }, (_, i) => 31 - i)))).toBe(0x113fdb5c);
    // The reflected polynomial 0x82f63b78 one bit at a time, on every length around the 8-byte steps.
    const bitwise = (bytes: Buffer): number => {
      let crc = 0xffffffff;
      for (const byte of bytes) {
        crc ^= byte;
        for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
      }
      return (crc ^ 0xffffffff) >>> 0;
    };
    // Bytes of a linear congruential generator: the same every run.
    const bytes = Buffer.alloc(1_100);
    let seed = 7;
    for (let index = 0; index < bytes.length; index++) {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      bytes[index] = seed & 0xff;
    }
    for (let length = 0; length <= 40; length++)
      expect(crc32C(bytes.subarray(0, length))).toBe(bitwise(bytes.subarray(0, length)));
    expect(crc32C(bytes)).toBe(bitwise(bytes));
    expect(crc32C(bytes.subarray(3))).toBe(bitwise(bytes.subarray(3)));
  });
});
