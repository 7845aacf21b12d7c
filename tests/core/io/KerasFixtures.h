#pragma once

// The Keras 2 files that the import tests share: tests/tools/make_keras_fixtures.py writes them with h5py in
// the layout of Keras's legacy HDF5 saving, each with `<name>.ref.h5` holding inputs and the outputs numpy
// computed for them.
#include <QString>

#include <torch/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace neurino::test::kerasfixtures {

// The most |Neurino - numpy| allowed on any output.
constexpr double kTolerance = 1e-5;

// The full-model fixtures (model_config and model_weights), Sequential and Functional, channels_last and
// channels_first, covering every Keras layer class the import takes.
extern const std::vector<std::string> kModels;

// Writes every fixture into `folder`. Returns an empty string, or why the fixtures cannot be made (no
// python3 with h5py and numpy) or the tool's error.
QString make(const QString& folder);

struct Reference {
    std::vector<torch::Tensor> inputs;
    torch::Tensor output;
    std::int64_t kerasParams = 0; // Keras's "Total params"
};

// A fixture's `<name>.ref.h5`.
Reference readReference(const std::string& path);

} // namespace neurino::test::kerasfixtures
