#pragma once

#include <c10/core/Device.h>

#include <string>

namespace neurino {

// Parses "auto", "cpu", "cuda" or "cuda:N". "auto" picks CUDA when LibTorch sees a GPU.
// Throws Error naming the setting when the device is unknown or not available.
c10::Device selectDevice(const std::string& spec);

// A human-readable description of a device, e.g. "CPU (2 threads)" or "CUDA:0 NVIDIA H100".
std::string describeDevice(const c10::Device& device);

// "LibTorch 1.13.1" as compiled against.
std::string libtorchVersion();

} // namespace neurino
