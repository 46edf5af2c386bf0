// ort_conv.js: the benchmark convolution (3x3, 1x64x56x56 -> 64 channels,
// padding 1) in ONNX Runtime, float32, one thread; prints GMAC/s.
//
//   node benchmarks/ort_conv.js [ITERATIONS] [--json]
//
// onnxruntime-node is looked up in NPU_DEPS_DIR (default
// ~/.cache/npu-compile, where scripts/setup.sh installs it). The one-node
// ONNX model is encoded here directly (protobuf wire format), so no Python
// or onnx package is needed.
'use strict';
const path = require('path');
// ONNX Runtime is found the way the project's oracle runner finds it.
const {ort} = require(path.join(__dirname, '..', 'tools', 'ort-oracle', 'ort-run.js'));

// --- minimal protobuf writer -------------------------------------------
function varint(n) {
  const out = [];
  let v = BigInt(n);
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return Buffer.from(out);
}
const key = (field, wire) => varint((field << 3) | wire);
const int = (field, v) => Buffer.concat([key(field, 0), varint(v)]);
const bytes = (field, b) => Buffer.concat([key(field, 2), varint(b.length), b]);
const str = (field, s) => bytes(field, Buffer.from(s, 'utf8'));
const msg = (field, ...parts) => bytes(field, Buffer.concat(parts));

function intsAttr(name, values) {
  // AttributeProto: name=1, ints=8, type=20 (INTS = 7)
  return msg(5, str(1, name), ...values.map((v) => int(8, v)), int(20, 7));
}
function valueInfo(field, name, dims) {
  // ValueInfoProto{name, type: TypeProto{tensor_type{elem_type=FLOAT, shape}}}
  const shape = Buffer.concat(dims.map((d) => msg(1, int(1, d))));
  return msg(field, str(1, name), msg(2, msg(1, int(1, 1), bytes(2, shape))));
}

const C = 64, K = 64, H = 56, W = 56;
const weights = new Float32Array(K * C * 9);
let seed = 1;
const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296) - 0.5;
for (let i = 0; i < weights.length; ++i) weights[i] = rand() * 0.1;

const node = msg(1, str(1, 'x'), str(1, 'w'), str(2, 'y'), str(3, 'conv'), str(4, 'Conv'),
  intsAttr('kernel_shape', [3, 3]), intsAttr('pads', [1, 1, 1, 1]), intsAttr('strides', [1, 1]));
const init = msg(5, ...[K, C, 3, 3].map((d) => int(1, d)), int(2, 1), str(8, 'w'),
  bytes(9, Buffer.from(weights.buffer)));
const graph = msg(7, node, str(2, 'conv3x3'), init,
  valueInfo(11, 'x', [1, C, H, W]), valueInfo(12, 'y', [1, K, H, W]));
const model = Buffer.concat([int(1, 8), str(2, 'npu-compile benchmark'), graph,
  msg(8, str(1, ''), int(2, 13))]);

async function main() {
  const iterations = parseInt(process.argv.find((a) => /^\d+$/.test(a)) || '50', 10);
  const json = process.argv.includes('--json');
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const x = new Float32Array(C * H * W);
  for (let i = 0; i < x.length; ++i) x[i] = rand();
  const feeds = { x: new ort.Tensor('float32', x, [1, C, H, W]) };
  const times = [];
  for (let i = 0; i < iterations + 3; ++i) {
    const t0 = process.hrtime.bigint();
    await session.run(feeds);
    const t1 = process.hrtime.bigint();
    if (i >= 3) times.push(Number(t1 - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  const gmacs = (H * W * K * C * 9) / (median * 1e-3) / 1e9;
  if (json)
    console.log(JSON.stringify({ median_ms: median, gmacs }));
  else
    console.log(`onnxruntime ${ort.env.versions ? ort.env.versions.common : ''} (float32, 1 thread): ` +
      `${median.toFixed(3)} ms per inference (median of ${iterations}), ${gmacs.toFixed(2)} GMAC/s`);
}
main().catch((e) => { console.error(`ort_conv.js: ${e.message}`); process.exit(1); });
