import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { packageRoot } from '../paths.js';
import { AxhwError } from '../errors.js';

/**
 * ONNX's protobuf messages, read with protobufjs from ONNX's own schema (vendor/onnx/onnx.proto3, copied
 * unchanged; vendor/onnx/PROVENANCE.md). Messages are plain objects (toObject: int64 as numbers, bytes as
 * Uint8Array), so the importer and exporter never touch protobufjs types.
 */
export const ONNX_PROTO = join(packageRoot, 'vendor', 'onnx', 'onnx.proto3');

let root: protobuf.Root | undefined;
const schema = () => (root ??= protobuf.loadSync(ONNX_PROTO));
const type = (name: string) => schema().lookupType(`onnx.${name}`);
const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, bytes: Uint8Array, defaults: false, arrays: true };

/** TensorProto.DataType values the importer reads. */
export const DATA_TYPE = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, DOUBLE: 11 } as const;
/** AttributeProto.AttributeType values. */
export const ATTRIBUTE_TYPE = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

export interface TensorProto {
  name?: string;
  dims?: number[];
  dataType?: number;
  floatData?: number[];
  int32Data?: number[];
  int64Data?: number[];
  doubleData?: number[];
  rawData?: Uint8Array;
  dataLocation?: number;
}
export interface AttributeProto {
  name: string;
  type?: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorProto;
  floats?: number[];
  ints?: number[];
}
export interface NodeProto {
  name?: string;
  opType: string;
  domain?: string;
  input?: string[];
  output?: string[];
  attribute?: AttributeProto[];
}
export interface ValueInfoProto {
  name: string;
  type?: { tensorType?: { elemType?: number; shape?: { dim?: { dimValue?: number; dimParam?: string }[] } } };
}
export interface GraphProto {
  name?: string;
  node?: NodeProto[];
  initializer?: TensorProto[];
  input?: ValueInfoProto[];
  output?: ValueInfoProto[];
}
export interface ModelProto {
  irVersion?: number;
  producerName?: string;
  producerVersion?: string;
  opsetImport?: { domain?: string; version?: number }[];
  graph?: GraphProto;
  metadataProps?: { key?: string; value?: string }[];
}

function decode<T>(name: string, bytes: Uint8Array, what: string): T {
  const t = type(name);
  try {
    return t.toObject(t.decode(bytes), TO_OBJECT) as T;
  } catch (e) {
    throw new AxhwError(
      `${what} is not an ONNX ${name} (protobuf: ${(e as Error).message}).`,
      'Give a .onnx file as torch.onnx.export, tf2onnx or onnx.save wrote it (binary protobuf, not text).',
    );
  }
}

export function readModelProto(file: string): ModelProto {
  return decodeModelProto(readFileSync(file), file);
}

export function decodeModelProto(bytes: Uint8Array, file: string): ModelProto {
  const model = decode<ModelProto>('ModelProto', bytes, file);
  if (!model.graph?.node?.length)
    throw new AxhwError(`${file} has no graph (no nodes): not an ONNX model.`, 'Give a .onnx model file with its graph.');
  return model;
}

export function readTensorProto(file: string): TensorProto {
  return decode<TensorProto>('TensorProto', readFileSync(file), file);
}

/** The model as ONNX's binary protobuf, checked against the schema first. */
export function encodeModelProto(model: ModelProto): Uint8Array {
  const t = type('ModelProto');
  const problem = t.verify(model);
  if (problem) throw new Error(`internal: the exported ModelProto does not verify: ${problem}`);
  return t.encode(t.fromObject(model)).finish();
}

/** A tensor's values as float64 numbers (float, double and the integer types; raw little-endian data too). */
export function tensorValues(t: TensorProto, where: string): Float64Array {
  const dt = t.dataType ?? DATA_TYPE.FLOAT;
  if (t.dataLocation === 1)
    throw new AxhwError(
      `${where}: tensor ${t.name ?? ''} is stored outside the model file (external data).`,
      'Save the model with its weights inside (onnx.save(..., save_as_external_data=False)).',
    );
  const count = (t.dims ?? []).reduce((a, d) => a * d, 1);
  const raw = t.rawData;
  if (raw && raw.length > 0) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const read: Record<number, [number, (o: number) => number]> = {
      [DATA_TYPE.FLOAT]: [4, (o) => view.getFloat32(o, true)],
      [DATA_TYPE.DOUBLE]: [8, (o) => view.getFloat64(o, true)],
      [DATA_TYPE.INT8]: [1, (o) => view.getInt8(o)],
      [DATA_TYPE.UINT8]: [1, (o) => view.getUint8(o)],
      [DATA_TYPE.INT32]: [4, (o) => view.getInt32(o, true)],
      [DATA_TYPE.INT64]: [8, (o) => Number(view.getBigInt64(o, true))],
    };
    const r = read[dt];
    if (!r) throw unsupportedType(dt, t, where);
    if (raw.length !== count * r[0])
      throw new AxhwError(
        `${where}: tensor ${t.name ?? ''} holds ${raw.length} bytes for ${count} values.`,
        'The model file is corrupt: export it again.',
      );
    return Float64Array.from({ length: count }, (_, i) => r[1](i * r[0]));
  }
  const fields: Record<number, number[] | undefined> = {
    [DATA_TYPE.FLOAT]: t.floatData,
    [DATA_TYPE.DOUBLE]: t.doubleData,
    [DATA_TYPE.INT8]: t.int32Data,
    [DATA_TYPE.UINT8]: t.int32Data,
    [DATA_TYPE.INT32]: t.int32Data,
    [DATA_TYPE.INT64]: t.int64Data,
  };
  if (!(dt in fields)) throw unsupportedType(dt, t, where);
  const values = fields[dt] ?? [];
  if (values.length !== count)
    throw new AxhwError(
      `${where}: tensor ${t.name ?? ''} holds ${values.length} values for dims [${(t.dims ?? []).join(', ')}].`,
      'The model file is corrupt: export it again.',
    );
  return Float64Array.from(values);
}

function unsupportedType(dt: number, t: TensorProto, where: string): AxhwError {
  return new AxhwError(
    `${where}: tensor ${t.name ?? ''} has ONNX data type ${dt}; the importer reads float, double, int8, uint8, int32 and int64.`,
    'Export the model in float32 (or with int8 / uint8 QDQ weights).',
  );
}

// Building messages for the exporters.

export const intAttr = (name: string, i: number): AttributeProto => ({ name, type: ATTRIBUTE_TYPE.INT, i });
export const intsAttr = (name: string, ints: number[]): AttributeProto => ({ name, type: ATTRIBUTE_TYPE.INTS, ints });

/** A graph input or output: a tensor of this element type, a symbolic batch 'N' followed by these dims. */
export const batchValueInfo = (name: string, elemType: number, dims: number[]): ValueInfoProto => ({
  name,
  type: { tensorType: { elemType, shape: { dim: [{ dimParam: 'N' }, ...dims.map((d) => ({ dimValue: d }))] } } },
});

/** A tensor with its values as little-endian raw data: int64, float32 or float64. */
export function rawTensor(name: string, dims: number[], values: ArrayLike<number>, type: 'i64' | 'f32' | 'f64'): TensorProto {
  const count = values.length;
  const bytes = new Uint8Array(count * (type === 'f32' ? 4 : 8));
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < count; i++) {
    const v = values[i]!;
    if (type === 'i64') view.setBigInt64(i * 8, BigInt(v), true);
    else if (type === 'f64') view.setFloat64(i * 8, v, true);
    else view.setFloat32(i * 4, v, true);
  }
  return { name, dims, dataType: type === 'i64' ? DATA_TYPE.INT64 : type === 'f64' ? DATA_TYPE.DOUBLE : DATA_TYPE.FLOAT, rawData: bytes };
}
