#pragma once

#include <string>

// Apart from Dataset, so that headers which only name a task (a data source, a form) need no LibTorch.
namespace neurino {

// What a dataset's targets mean; decides the default loss, metrics and views.
enum class Task {
    Classification, // int64 class index per sample
    Binary, // int64 0/1 per sample (signal = 1)
    Regression, // float32 (N, k)
    Images, // images with a float32 per-sample value (e.g. the primary energy of a shower)
    Unlabelled, // no targets
    Reconstruction // no stored targets: the model reproduces its own (standardised) inputs (autoencoders)
};

std::string taskName(Task task);
// Throws DataError naming the value when it is not one of the names taskName gives.
Task parseTask(const std::string& name);
// True for the tasks whose targets are class indices (binary, classification).
bool hasClassTargets(Task task);

} // namespace neurino
