// ort_bench.js - times ONNX models in ONNX Runtime (onnxruntime-node), the
// CPU peer of the interpreter benchmark.
//
// usage: node ort_bench.js [--threads N] [--runs R] [--warmup W]
//                          [--input FILE.npy] [--output FILE.npy] MODEL.onnx...
// Prints one line per model: best and median milliseconds. Without --input
// the inputs are deterministic pseudo-random values in [-1, 1) with the
// shapes given by --shape (comma-separated) or the model's static shape.
'use strict';
const fs = require('fs');
const path = require('path');
const os = require('os');

const ortDir = process.env.NPU_ORT_DIR ||
    path.join(os.homedir(), '.cache', 'npu-compile', 'node_modules',
              'onnxruntime-node');
const ort = require(ortDir);

function parseArgs(argv) {
  const opts = {threads: 1, runs: 10, warmup: 2, models: [], shape: null};
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    if (a === '--threads') opts.threads = parseInt(argv[++i]);
    else if (a === '--runs') opts.runs = parseInt(argv[++i]);
    else if (a === '--warmup') opts.warmup = parseInt(argv[++i]);
    else if (a === '--input') opts.input = argv[++i];
    else if (a === '--output') opts.output = argv[++i];
    else if (a === '--shape') opts.shape = argv[++i].split(',').map(Number);
    else opts.models.push(a);
  }
  return opts;
}

// Minimal .npy (version 1/2, little-endian float32, C order) reader/writer.
function readNpy(file) {
  const buf = fs.readFileSync(file);
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', start, start + headerLen);
  if (!header.includes("'<f4'")) throw new Error(file + ': only float32');
  const shape = header.match(/'shape': \(([^)]*)\)/)[1]
                    .split(',').filter(s => s.trim()).map(Number);
  const data = new Float32Array(buf.buffer.slice(
      buf.byteOffset + start + headerLen, buf.byteOffset + buf.length));
  return {shape, data};
}

function writeNpy(file, shape, data) {
  let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" +
      shape.join(', ') + (shape.length === 1 ? ',' : '') + '), }';
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += ' '.repeat(pad % 64) + '\n';
  const h = Buffer.alloc(10);
  h.write('\x93NUMPY', 0, 'latin1');
  h[6] = 1; h[7] = 0;
  h.writeUInt16LE(header.length, 8);
  fs.writeFileSync(file, Buffer.concat([h, Buffer.from(header, 'latin1'),
                                        Buffer.from(data.buffer)]));
}

function synthetic(shape, seed) {
  let n = 1;
  for (const d of shape) n *= d;
  const data = new Float32Array(n);
  let s = BigInt(seed) * 0x9E3779B97F4A7C15n + 1n;
  const mask = (1n << 64n) - 1n;
  for (let i = 0; i < n; ++i) {
    s = (s * 6364136223846793005n + 1442695040888963407n) & mask;
    data[i] = Number(s >> 11n) / 2 ** 53 * 2 - 1;
  }
  return data;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  for (const model of opts.models) {
    const session = await ort.InferenceSession.create(model, {
      intraOpNumThreads: opts.threads, interOpNumThreads: 1,
      graphOptimizationLevel: 'all', executionMode: 'sequential'});
    const name = session.inputNames[0];
    let shape, data;
    if (opts.input) {
      ({shape, data} = readNpy(opts.input));
    } else {
      shape = opts.shape;
      if (!shape) throw new Error('give --input or --shape');
      data = synthetic(shape, 1);
    }
    const feeds = {[name]: new ort.Tensor('float32', data, shape)};
    let out;
    for (let i = 0; i < opts.warmup; ++i) out = await session.run(feeds);
    const times = [];
    for (let i = 0; i < Math.max(1, opts.runs); ++i) {
      const t0 = process.hrtime.bigint();
      out = await session.run(feeds);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    times.sort((a, b) => a - b);
    console.log(`${model} threads=${opts.threads} best=${times[0].toFixed(3)}ms ` +
                `median=${times[times.length >> 1].toFixed(3)}ms`);
    if (opts.output) {
      const t = out[session.outputNames[0]];
      writeNpy(opts.output, t.dims, t.data);
    }
  }
}

main().catch(e => { console.error(e.message || e); process.exit(1); });
