// Diagnostics of npu-calibrate: options, data directories, tables.

// RUN: rm -rf %t && mkdir -p %t/data %t/bad %t/empty
// RUN: %python -c "import numpy as np; np.save('%t/data/a.npy', np.ones((1, 4), np.float32)); np.save('%t/bad/a.npy', np.ones((2, 4), np.float32))"

// RUN: not npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{data=%t/nope})' 2>&1 | FileCheck %s --check-prefix=NODIR
// NODIR: error: calibration data directory '{{.*}}/nope' does not exist

// RUN: not npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{data=%t/empty})' 2>&1 | FileCheck %s --check-prefix=EMPTY
// EMPTY: error: no calibration samples in '{{.*}}/empty' (expected .npy files, .npz archives or one sub-folder per input: 'x')

// A symbolic link to no file is not skipped: it fails to open.
// RUN: mkdir -p %t/dangling && cp %t/data/a.npy %t/dangling/a.npy && ln -sf %t/nowhere.npy %t/dangling/b.npy
// RUN: not npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{data=%t/dangling})' 2>&1 | FileCheck %s --check-prefix=DANGLING
// DANGLING: error: cannot open '{{.*}}/dangling/b.npy': No such file or directory

// RUN: not npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{data=%t/bad})' 2>&1 | FileCheck %s --check-prefix=SHAPE
// SHAPE: error: '{{.*}}/bad/a.npy' has f32[2x4] but input 'x' is f32[1x4]

// A sample of only NaN is no sample: an error names it (found by a fresh
// user: it was counted in the table's samples). One with some NaN or
// infinite values is named once, with how many (the statistics skip them).
// RUN: mkdir -p %t/nan && %python -c "import numpy as np; np.save('%t/nan/a.npy', np.ones((1, 4), np.float32)); np.save('%t/nan/b.npy', np.full((1, 4), np.nan, np.float32))"
// RUN: not npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{data=%t/nan})' 2>&1 | FileCheck %s --check-prefix=ALLNAN
// ALLNAN: error: calibration sample '{{.*}}/nan/b.npy': input 'x' has no finite value
// RUN: mkdir -p %t/somenan && %python -c "import numpy as np; np.save('%t/somenan/a.npy', np.ones((1, 4), np.float32)); np.save('%t/somenan/b.npy', np.array([[1, np.inf, 2, 3]], np.float32))"
// RUN: npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{data=%t/somenan})' -o /dev/null 2>&1 | FileCheck %s --check-prefix=SOMENAN
// SOMENAN: warning: calibration sample '{{.*}}/somenan/b.npy': input 'x' has 1 NaN or infinite value(s) of 4; the statistics skip them

// Files beside the samples that are not samples are named in a warning
// (found by a fresh user: they were left out without a word).
// RUN: mkdir -p %t/other && cp %t/data/a.npy %t/other/ && touch %t/other/p1.png %t/other/p2.png %t/other/p3.png %t/other/p4.png %t/other/.hidden
// RUN: npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{data=%t/other})' -o /dev/null 2>&1 | FileCheck %s --check-prefix=OTHER
// OTHER: warning: calibration data '{{.*}}/other': 4 file(s) that are not samples left out ('{{.*}}/other/p1.png', '{{.*}}/other/p2.png', '{{.*}}/other/p3.png', ...); samples are .npy files or .npz archives
// OTHER-NOT: hidden
// So are the sub-folders beside them, which are not read (found by a
// review: skipped without a word); hidden ones are not named.
// RUN: mkdir -p %t/sub/old %t/sub/more/deeper %t/sub/.git && cp %t/data/a.npy %t/sub/ && cp %t/data/a.npy %t/sub/old/b.npy
// RUN: npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{data=%t/sub})' -o /dev/null 2>&1 | FileCheck %s --check-prefix=SUBDIR
// SUBDIR: warning: calibration data '{{.*}}/sub': 2 sub-folder(s) left out ('{{.*}}/sub/more', '{{.*}}/sub/old'); samples are the .npy files or .npz archives of the folder itself, or the .npy files of one sub-folder named after each input, none deeper
// SUBDIR-NOT: git
// SUBDIR-NOT: file(s) that are not samples
// In a sub-folder per input, only .npy files are samples: an .npz there is
// named as such (found by a fresh user: the message said .npz archives are
// samples).
// RUN: mkdir -p %t/perinput/x && cp %t/data/a.npy %t/perinput/x/ && cp %t/data/a.npy %t/perinput/x/9.npz
// RUN: npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{data=%t/perinput})' -o /dev/null 2>&1 | FileCheck %s --check-prefix=PERINPUT
// PERINPUT: warning: calibration data '{{.*}}/perinput': 1 file(s) that are not samples left out ('{{.*}}/perinput/x/9.npz'); in a sub-folder per input, samples are .npy files (.npz archives are read from the folder itself only)

// RUN: not npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{method=kl})' 2>&1 | FileCheck %s --check-prefix=METHOD
// METHOD: error: unknown calibration method 'kl' (expected minmax, percentile, entropy, mse or auto)

// RUN: not npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{percentile=0})' 2>&1 | FileCheck %s --check-prefix=PCT
// PCT: error: percentile 0 is not in [50, 100] (a percent of each sign's values)

// RUN: not npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{data=%t/data use-table=%t/t.calib})' 2>&1 | FileCheck %s --check-prefix=BOTH
// BOTH: error: use-table excludes data and table: a table replaces running the model

// A table missing two keys: both are reported at once.
// RUN: printf '@version 1\nx -1 1 -1 1 minmax\n' > %t/partial.calib
// RUN: not npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{use-table=%t/partial.calib})' 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: error: calibration table '{{.*}}/partial.calib' has no range for 2 tensor(s): 'w', 'relu_0'
// MISSING-NOT: renamed
// A renamed key: missing under its name, unknown under the new one, both
// said (found by a review: the new name was not mentioned).
// RUN: printf '@version 1\nx -1 1 -1 1 minmax\nw 0 1 0 1 minmax\nrelu_A 0 1 0 1 manual\n' > %t/renamed.calib
// RUN: not npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{use-table=%t/renamed.calib})' 2>&1 | FileCheck %s --check-prefix=RENAMED
// RENAMED: error: calibration table '{{.*}}/renamed.calib' has no range for 1 tensor(s): 'relu_0'; its key(s) naming no tensor (renamed?): 'relu_A' (line 4)

// Keys naming no tensor are warnings; a range without 0 is widened.
// RUN: printf '@version 1\nx 0.5 1 0.5 1 manual\nw 0 1 0 1 minmax\nrelu_0 0 1 0 1 minmax\nrelu0 0 1 0 1 minmax\n' > %t/extra.calib
// RUN: npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{use-table=%t/extra.calib})' 2>&1 | FileCheck %s --check-prefix=EXTRA
// EXTRA-DAG: warning: {{.*}}/extra.calib:2: range [0.5, 1] of 'x' widened to [0, 1] (a range includes 0 and is not empty)
// EXTRA-DAG: warning: calibration table '{{.*}}/extra.calib' has 1 key(s) naming no tensor: 'relu0' (line 5)
// EXTRA: npu.range = array<f32: 0.000000e+00, 1.000000e+00>

// RUN: printf '@version 1\nx -1 1 2 1 minmax\n' > %t/lohi.calib
// RUN: not npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{use-table=%t/lohi.calib})' 2>&1 | FileCheck %s --check-prefix=LOHI
// LOHI: error: {{.*}}/lohi.calib:2: lo 2 > hi 1 (key 'x')

// RUN: printf '@version 1\n# comment\nx -1 1 -1 1,5 minmax\n' > %t/num.calib
// RUN: not npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{use-table=%t/num.calib})' 2>&1 | FileCheck %s --check-prefix=NUM
// NUM: error: {{.*}}/num.calib:3: malformed number '1,5' for hi (key 'x')

// RUN: printf '@version 1\nx nan 1 -1 1 minmax\n' > %t/nan.calib
// RUN: not npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{use-table=%t/nan.calib})' 2>&1 | FileCheck %s --check-prefix=NAN
// NAN: error: {{.*}}/nan.calib:2: min is NaN (key 'x')

// RUN: not npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{use-table=%t/none.calib})' 2>&1 | FileCheck %s --check-prefix=NOTABLE
// NOTABLE: error: cannot open calibration table '{{.*}}/none.calib'

// RUN: not npu-opt %s --pass-pipeline='builtin.module(npu-calibrate{table=%t/nodir/t.calib})' 2>&1 | FileCheck %s --check-prefix=WRITE
// WRITE: error: cannot write calibration table '{{.*}}/nodir/t.calib'

// RUN: not npu-opt %s --split-input-file --pass-pipeline='builtin.module(npu-calibrate)' 2>&1 | FileCheck %s --check-prefix=FUNCS
// FUNCS: error: npu-calibrate needs a module with one function (or one named 'main'), found 2

func.func @main(%x: tensor<1x4xf32> {npu.name = "x"}) -> tensor<1x4xf32> {
  %w = npu.constant dense<2.0> : tensor<1x4xf32> loc("w")
  %m = npu.mul %x, %w : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32> loc("relu_0")
  return %m : tensor<1x4xf32>
}

// -----

func.func @f(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  return %x : tensor<1x4xf32>
}
func.func @g(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  return %x : tensor<1x4xf32>
}
