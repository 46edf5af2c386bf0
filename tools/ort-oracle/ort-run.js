#!/usr/bin/env node
// ort-run.js: runs an ONNX model in ONNX Runtime (CPU), the project's
// independent numerical oracle and CPU performance peer.
//
//   node ort-run.js MODEL.onnx [--input NAME=FILE.npy]... [--output-dir DIR]
//                   [--threads N] [--repeat N] [--warmup N] [--fill-inputs]
//                   [--per-sample] [--input-shape NAME=D0,D1,...]...
//
// Writes one .npy per output (named after the output as npu-run names it:
// a name that is a file name as it is is its own; otherwise bytes of its
// UTF-8 name outside [A-Za-z0-9_.-] and a leading '.' replaced by '_', then
// "_1", "_2", ... while another output has that name) and prints a JSON line with the outputs,
// the wall time of each timed run in milliseconds (times_ms), of the session
// creation (session_create_ms) and of the session's first run, warm-up or
// not (first_run_ms). --fill-inputs gives inputs without --input generated
// values (floats uniform in [-1, 1), integers 0; symbolic dimensions 1, or
// the shape --input-shape gives that input, as npu-compile's option does),
// as npu-benchmark does for its timings. onnxruntime-node is looked
// up in NPU_DEPS_DIR/node_modules (default ~/.cache/npu-compile).
// --per-sample runs each index of the inputs' first axis as its own batch
// of one and concatenates the outputs along that axis: a model whose batch
// elements are not independent (a reduction over the whole tensor) then
// gives what one call per sample gives.
'use strict';
const fs = require('fs');
const path = require('path');
const os = require('os');

const deps = process.env.NPU_DEPS_DIR || path.join(os.homedir(), '.cache', 'npu-compile');
let ort;
try {
  ort = require(path.join(deps, 'node_modules', 'onnxruntime-node'));
} catch (e) {
  console.error(`ort-run: cannot load onnxruntime-node from ${deps}/node_modules ` +
                `(run scripts/setup.sh): ${e.message}`);
  process.exit(2);
}

// NumPy descr <-> ONNX Runtime tensor types.
const TYPES = {
  '<f4': ['float32', Float32Array], '<f8': ['float64', Float64Array],
  '<f2': ['float16', Uint16Array], '|i1': ['int8', Int8Array],
  '|u1': ['uint8', Uint8Array], '<i2': ['int16', Int16Array],
  '<u2': ['uint16', Uint16Array], '<i4': ['int32', Int32Array],
  '<u4': ['uint32', Uint32Array], '<i8': ['int64', BigInt64Array],
  '<u8': ['uint64', BigUint64Array], '|b1': ['bool', Uint8Array],
};

function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.readUInt32BE(0) !== 0x934e554d) throw new Error(`${file}: not a .npy file`);
  const major = buf[6];
  const hlen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const off = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', off, off + hlen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${file}: Fortran order`);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',')
      .map(s => s.trim()).filter(s => s.length).map(Number);
  const t = TYPES[descr];
  if (!t) throw new Error(`${file}: unsupported dtype ${descr}`);
  const start = off + hlen;
  const bytes = buf.subarray(start);
  const copy = new ArrayBuffer(bytes.length);
  new Uint8Array(copy).set(bytes);
  let data = new t[1](copy);
  if (t[0] === 'bool') data = Uint8Array.from(data);
  return new ort.Tensor(t[0], data, shape);
}

function writeNpy(file, tensor) {
  const entry = Object.entries(TYPES).find(([, v]) => v[0] === tensor.type);
  if (!entry) throw new Error(`cannot write tensor of type ${tensor.type}`);
  const dims = tensor.dims;
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  let header = `{'descr': '${entry[0]}', 'fortran_order': False, 'shape': ${shape}, }`;
  const pad = (64 - ((10 + header.length + 1) % 64)) % 64;
  header += ' '.repeat(pad) + '\n';
  const pre = Buffer.alloc(10);
  pre.writeUInt32BE(0x934e554d, 0); pre.writeUInt16BE(0x5059, 4);
  pre[6] = 1; pre[7] = 0; pre.writeUInt16LE(header.length, 8);
  let data = tensor.data;
  if (tensor.type === 'bool') data = Uint8Array.from(data, v => (v ? 1 : 0));
  const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  fs.writeFileSync(file, Buffer.concat([pre, Buffer.from(header, 'latin1'), body]));
}

// --fill-inputs: a tensor for an input without --input, from the session's
// metadata.
const ARRAYS = Object.fromEntries(Object.values(TYPES));
function generatedInput(meta, given) {
  const shape = given || meta.shape.map(d => (typeof d === 'number' && d > 0 ? d : 1));
  const n = shape.reduce((a, b) => a * b, 1);
  const Array_ = ARRAYS[meta.type];
  if (!Array_) throw new Error(`cannot generate input '${meta.name}' of type ${meta.type}`);
  const data = new Array_(n);
  if (meta.type === 'float32' || meta.type === 'float64') {
    let state = 0x9e3779b9;
    for (let i = 0; i < n; ++i) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      data[i] = (state >>> 8) / (1 << 23) - 1;
    }
  }
  return new ort.Tensor(meta.type, data, shape);
}

function usage(msg) {
  if (msg) console.error(`ort-run: ${msg}`);
  console.error('usage: ort-run.js MODEL.onnx [--input NAME=FILE.npy]... [--output-dir DIR] ' +
                '[--threads N] [--repeat N] [--warmup N] [--fill-inputs] [--per-sample] ' +
                '[--input-shape NAME=D0,D1,...]...');
  process.exit(2);
}

// --per-sample: one run per index of the first axis, outputs concatenated.
async function runPerSample(session, feeds) {
  const names = Object.keys(feeds);
  const n = names.length ? feeds[names[0]].dims[0] : 0;
  for (const name of names) {
    const d = feeds[name].dims;
    if (d.length === 0 || d[0] !== n)
      throw new Error(`--per-sample: input '${name}' has shape [${d}], expected a first ` +
                      `dimension of ${n} like '${names[0]}'`);
  }
  if (n === 0) throw new Error('--per-sample: no input, or an empty first dimension');
  const parts = {};
  for (let k = 0; k < n; ++k) {
    const one = {};
    for (const name of names) {
      const t = feeds[name];
      const size = t.data.length / n;
      one[name] = new ort.Tensor(t.type, t.data.slice(k * size, (k + 1) * size),
                                 [1, ...t.dims.slice(1)]);
    }
    const r = await session.run(one);
    for (const name of session.outputNames) (parts[name] = parts[name] || []).push(r[name]);
  }
  const out = {};
  for (const [name, ts] of Object.entries(parts)) {
    const first = ts[0];
    if (first.dims.length === 0 || first.dims[0] !== 1)
      throw new Error(`--per-sample: output '${name}' has shape [${first.dims}], not a batch of one`);
    const data = new first.data.constructor(first.data.length * n);
    ts.forEach((t, k) => data.set(t.data, k * first.data.length));
    out[name] = new ort.Tensor(first.type, data, [n, ...first.dims.slice(1)]);
  }
  return out;
}

async function main() {
  const args = process.argv.slice(2);
  let model, outDir = null, threads = 1, repeat = 1, warmup = 0, fill = false;
  let perSample = false;
  const shapes = {};
  const inputs = {};
  for (let i = 0; i < args.length; ++i) {
    const a = args[i];
    const next = () => (i + 1 < args.length ? args[++i] : usage(`${a} needs a value`));
    if (a === '--input') {
      const v = next(); const eq = v.indexOf('=');
      if (eq < 1) usage(`--input expects NAME=FILE.npy, got '${v}'`);
      inputs[v.slice(0, eq)] = v.slice(eq + 1);
    } else if (a === '--output-dir') outDir = next();
    else if (a === '--threads') threads = Number(next());
    else if (a === '--repeat') repeat = Number(next());
    else if (a === '--warmup') warmup = Number(next());
    else if (a === '--fill-inputs') fill = true;
    else if (a === '--per-sample') perSample = true;
    else if (a === '--input-shape') {
      const v = next(); const eq = v.indexOf('=');
      const dims = eq < 1 ? [] : v.slice(eq + 1).split(',').map(Number);
      if (eq < 1 || !dims.length || dims.some(d => !Number.isInteger(d) || d < 0))
        usage(`--input-shape expects NAME=D0,D1,... (non-negative integers), got '${v}'`);
      shapes[v.slice(0, eq)] = dims;
    }
    else if (a === '-h' || a === '--help') usage();
    else if (a.startsWith('-')) usage(`unknown option ${a}`);
    else if (!model) model = a;
    else usage(`unexpected argument ${a}`);
  }
  if (!model) usage('no model given');
  const createStart = process.hrtime.bigint();
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: threads, interOpNumThreads: 1,
    executionMode: 'sequential', graphOptimizationLevel: 'all',
  });
  const sessionCreateMs = Number(process.hrtime.bigint() - createStart) / 1e6;
  const feeds = {};
  for (const [i, name] of session.inputNames.entries()) {
    if (name in inputs) feeds[name] = readNpy(inputs[name]);
    else if (fill) feeds[name] = generatedInput(session.inputMetadata[i], shapes[name]);
    else throw new Error(`no --input for model input '${name}'`);
  }
  for (const name of [...Object.keys(inputs), ...Object.keys(shapes)])
    if (!session.inputNames.includes(name)) throw new Error(`model has no input '${name}'`);
  const run = perSample ? () => runPerSample(session, feeds) : () => session.run(feeds);
  const timed = async () => {
    const t0 = process.hrtime.bigint();
    const r = await run();
    return [r, Number(process.hrtime.bigint() - t0) / 1e6];
  };
  let firstRunMs = null;
  for (let i = 0; i < warmup; ++i) {
    const [, ms] = await timed();
    if (firstRunMs === null) firstRunMs = ms;
  }
  const times = [];
  let results;
  for (let i = 0; i < Math.max(1, repeat); ++i) {
    let ms;
    [results, ms] = await timed();
    times.push(ms);
  }
  if (firstRunMs === null) firstRunMs = times[0];
  const outputs = [];
  if (outDir) fs.mkdirSync(outDir, { recursive: true });
  const files = uniqueFileNames(session.outputNames);
  session.outputNames.forEach((name, i) => {
    const file = files[i] + '.npy';
    if (outDir) writeNpy(path.join(outDir, file), results[name]);
    outputs.push({ name, file, shape: results[name].dims, type: results[name].type });
  });
  console.log(JSON.stringify({ model, threads, outputs, times_ms: times,
                               session_create_ms: sessionCreateMs,
                               first_run_ms: firstRunMs }));
}

// Tensors' file names, as npu-run and npu-interpret write them
// (sanitizeFileName and uniqueFileNames, lib/Support/HostTensor.cpp): every
// byte of a UTF-8 name outside [A-Za-z0-9_.-], and a leading '.', replaced
// by '_', cut to 200 characters (kMaxFileNameStem: file systems take 255
// bytes); a name that needs no replacing is its own file name (the first of
// equal names); the others get "_1", "_2", ... while the name is taken
// ("o:0" and "o_0" give o_0_1 and o_0).
function sanitizeFileName(name) {
  let base = '';
  for (const byte of Buffer.from(name, 'utf8')) {
    const c = String.fromCharCode(byte);
    base += /[A-Za-z0-9_.-]/.test(c) ? c : '_';
  }
  const visible = base.startsWith('.') ? '_' + base.slice(1) : base;
  return visible.slice(0, 200);
}

function uniqueFileNames(names) {
  const taken = new Set();
  const files = names.map(name => {
    if (sanitizeFileName(name) !== name || taken.has(name)) return null;
    taken.add(name);
    return name;
  });
  return files.map((file, i) => {
    if (file !== null) return file;
    const base = sanitizeFileName(names[i]);
    let candidate = base;
    for (let n = 1; taken.has(candidate); ++n) candidate = `${base}_${n}`;
    taken.add(candidate);
    return candidate;
  });
}

// Also a module: the benchmarks reuse its ONNX Runtime handle and .npy I/O.
module.exports = { ort, readNpy, writeNpy };

if (require.main === module)
  main().catch(e => { console.error(`ort-run: ${e.message}`); process.exit(1); });
