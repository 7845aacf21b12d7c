#pragma once

#include <string>
#include <vector>

namespace neurino::exercises {

// What pressing a step's button does.
enum class ActionKind { GenerateData, LoadModel, Train, Evaluate, CompareRuns, OpenView };

// "generate_data", "train", ...
std::string actionKindName(ActionKind kind);

// One stage of a lesson: a text for the student, the action that performs it, and the checks its
// results are measured against.
struct Step {
    std::string id; // stable key: "train_dense"
    std::string title;
    std::string textFile; // Markdown, relative to resources/exercises/<exercise id>/
    ActionKind action = ActionKind::Train;
    std::string view; // for OpenView and as the view a GUI shows beside the step: "roc", "confusion"
    std::vector<std::string> checks; // ids of the checks this step measures
    // True when the step trains or evaluates the task model, the one a student replaces with their own;
    // `exercise grade` runs these steps (and the data steps) only.
    bool task = false;
};

} // namespace neurino::exercises
