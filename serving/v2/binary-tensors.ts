import { clip, quoted } from '../echo';
import { invalidRequest } from '../problems';

const BYTES_PER_VALUE: Record<string, number> = {
  FP64: 8,
  FP32: 4,
  INT64: 8,
  INT32: 4,
  INT16: 2,
  INT8: 1,
  UINT64: 8,
  UINT32: 4,
  UINT16: 2,
  UINT8: 1,
};

/**
 * The values of one input sent as binary tensor data (Triton's extension): fixed-width little-endian
 * numbers, or BYTES elements each preceded by its 4-byte length. Refusals name the input.
 */
export function fromBinary(bytes: Buffer, datatype: string, label: string, name: string): unknown[] {
  if (datatype === 'BYTES') return bytesElements(bytes, label, name);
  const width = BYTES_PER_VALUE[datatype];
  if (width === undefined) refuse(clip(name), `${label}: datatype ${quoted(datatype)} is not one this server reads`);
  if (bytes.length % width !== 0) {
    refuse(
      clip(name),
      `${label}: ${bytes.length} bytes of ${datatype} data is not a whole number of ${width}-byte values`,
    );
  }
  const values = new Array<unknown>(bytes.length / width);
  for (let i = 0; i < values.length; i++) {
    const at = i * width;
    const value = readNumber(bytes, at, datatype);
    // JSON has no NaN; in binary data a NaN is a missing value, imputed as in training.
    values[i] = Number.isNaN(value) ? null : value;
  }
  return values;
}

function readNumber(bytes: Buffer, at: number, datatype: string): number {
  switch (datatype) {
    case 'FP64':
      return bytes.readDoubleLE(at);
    case 'FP32':
      return bytes.readFloatLE(at);
    case 'INT64':
      return Number(bytes.readBigInt64LE(at));
    case 'INT32':
      return bytes.readInt32LE(at);
    case 'INT16':
      return bytes.readInt16LE(at);
    case 'INT8':
      return bytes.readInt8(at);
    case 'UINT64':
      return Number(bytes.readBigUInt64LE(at));
    case 'UINT32':
      return bytes.readUInt32LE(at);
    case 'UINT16':
      return bytes.readUInt16LE(at);
    default:
      return bytes.readUInt8(at);
  }
}

/** BYTES in binary: each element a 4-byte little-endian length, then that many bytes (UTF-8 here). */
function bytesElements(bytes: Buffer, label: string, name: string): string[] {
  const values: string[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + 4 > bytes.length) refuse(clip(name), `${label}: BYTES data ends inside an element's 4-byte length`);
    const length = bytes.readUInt32LE(at);
    if (at + 4 + length > bytes.length) {
      refuse(clip(name), `${label}: BYTES element ${values.length} says ${length} bytes but fewer are left`);
    }
    values.push(bytes.toString('utf8', at + 4, at + 4 + length));
    at += 4 + length;
  }
  return values;
}

function refuse(field: string, message: string): never {
  throw invalidRequest(null, field, message);
}
