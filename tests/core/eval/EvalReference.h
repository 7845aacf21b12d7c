#pragma once

// The reference numbers the evaluation tests compare with, computed by scikit-learn and SciPy
// (tests/tools/make_eval_reference.py writes tests/data/eval/reference.json).
#include "core/util/AtomicFile.h"
#include "tests/TestSupport.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <vector>

namespace neurino::test {

inline nlohmann::json evalReference()
{
    return nlohmann::json::parse(readTextFile(sourcePath("tests/data/eval/reference.json")));
}

inline torch::Tensor tensorOf(const nlohmann::json& values)
{
    return torch::tensor(values.get<std::vector<double>>(), torch::kFloat64);
}

} // namespace neurino::test
