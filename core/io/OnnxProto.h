#pragma once

// Debian's ONNX protobuf classes (libonnx-dev), with the definitions that its CMake targets would put on
// every source of a target linking them: set here instead, so that the rest of neurino_core compiles as
// before.
#ifndef ONNX_NAMESPACE
#define ONNX_NAMESPACE onnx
#endif
#ifndef ONNX_ML
#define ONNX_ML 1
#endif
#include <onnx/onnx_pb.h>
