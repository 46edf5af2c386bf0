// ort_bench.js - times ONNX models in ONNX Runtime (onnxruntime-node), the
// CPU peer of the interpreter benchmark.
//
// usage: node ort_bench.js [--threads N] [--runs R] [--warmup W]
//                          [--input FILE.npy] [--output FILE.npy] MODEL.onnx...
// Prints one line per model: best and median milliseconds. Without --input
// the inputs are deterministic pseudo-random values in [-1, 1) with the
// shapes given by --shape (comma-separated) or the model's static shape.
'use strict';
const path = require('path');
// ONNX Runtime and .npy I/O come from the project's oracle runner.
const {ort, readNpy, writeNpy} =
    require(path.join(__dirname, '..', '..', 'tools', 'ort-oracle', 'ort-run.js'));

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
    let input;
    if (opts.input) {
      input = readNpy(opts.input);
    } else {
      if (!opts.shape) throw new Error('give --input or --shape');
      input = new ort.Tensor('float32', synthetic(opts.shape, 1), opts.shape);
    }
    const feeds = {[name]: input};
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
      writeNpy(opts.output, out[session.outputNames[0]]);
    }
  }
}

main().catch(e => { console.error(e.message || e); process.exit(1); });
