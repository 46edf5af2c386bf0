# Copies onnx.proto without its `optimize_for = LITE_RUNTIME` option, so that
# protoc generates full-runtime classes (reflection, text format, descriptors).
# Usage: cmake -DIN=<onnx.proto> -DOUT=<copy> -P StripLiteRuntime.cmake
file(READ "${IN}" content)
string(REGEX REPLACE "option[ \t]+optimize_for[ \t]*=[ \t]*LITE_RUNTIME[ \t]*;" ""
       content "${content}")
file(WRITE "${OUT}" "${content}")
