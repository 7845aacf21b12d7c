#pragma once

#include <optional>
#include <string>

namespace neurino::exercises {

// How a measured value is compared with a check's target.
enum class Comparison {
    Greater, // value > target
    GreaterEqual, // value >= target
    Less, // value < target
    LessEqual, // value <= target
    Between // target <= value <= upper
};

// "greater", ">": names for files and reports.
std::string comparisonName(Comparison comparison);
std::string comparisonSymbol(Comparison comparison);
// Throws ExerciseError naming the value when it is not one of comparisonName's names.
Comparison parseComparison(const std::string& name);

// One condition a lesson step must meet: a named quantity compared with a target, e.g.
// "accuracy of the CNN on the test images >= 0.99". `task` marks checks computed on the student's
// model (the task model), which `exercise grade` evaluates.
struct Check {
    std::string id; // stable key: "cnn_accuracy"
    std::string name; // for people: "CNN test accuracy"
    Comparison comparison = Comparison::GreaterEqual;
    double target = 0;
    double upper = 0; // Between only
    bool task = false;
    int decimals = 3; // how reports print the value and the target

    bool passes(double value) const; // NaN never passes
    // ">= 0.990", "0.800 .. 0.950"
    std::string targetText() const;
};

// A check with the value a run measured.
struct CheckResult {
    Check check;
    std::optional<double> value; // empty until the step that measures it has run
    bool passed = false;

    bool measured() const { return value.has_value(); }
    // "PASS  CNN test accuracy             0.9931  (target >= 0.990)"; "----" when not measured.
    std::string reportLine(std::size_t nameWidth = 40) const;
    std::string status() const; // PASS | FAIL | PENDING
};

CheckResult evaluateCheck(const Check& check, double value);

} // namespace neurino::exercises
