#pragma once

#include "exercises/Check.h"
#include "exercises/Step.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace neurino::exercises {

// Data an exercise generates with the datasets catalog.
struct DatasetSpec {
    std::string generator; // catalog name: "shapes"
    nlohmann::json options = nlohmann::json::object(); // generator options beside their defaults
    std::int64_t events = 0; // 0: the generator's default
    std::int64_t reducedEvents = 0; // for quick runs (tests, CI); 0: as events
    std::string purpose; // "XOR for the depth demonstration"
};

// A model a lesson starts from: a template in resources/models ("shapes_dense") or a file beside the
// lesson's texts ("resources/exercises/<id>/<file>").
struct ModelRef {
    std::string name; // template name or file name relative to the lesson's folder
    bool lessonFile = false;
    std::string role; // "start", "solution", "reference"

    // The absolute path; throws IoError when the file does not exist.
    std::string path(const std::string& exerciseId) const;
};

// A guided lesson: what it teaches, its data, its models, its steps with their checks, and hints.
// The reference solution is code (a Lesson, see Lesson.h); this is the part a GUI lists and shows.
struct Exercise {
    std::string id; // "shapes"
    int number = 0; // position in the course: 0 first steps ... 5 Fashion-MNIST
    std::string title;
    std::string summary; // one line, for lists
    std::vector<std::string> goals;
    std::vector<DatasetSpec> datasets;
    std::vector<ModelRef> models;
    std::vector<Step> steps;
    std::vector<Check> checks;
    std::vector<std::string> hints;
    std::string solution; // what the reference solution does, in words
    std::string introFile = "intro.md"; // relative to the lesson's folder
    std::string taskModelRole = "the model"; // what the task model is: "your CNN"
    std::string scoreCheck; // check id whose value ranks the leaderboard (higher is better)

    // The lesson's folder of texts: resources/exercises/<id>.
    std::string folder() const;
    // The Markdown text of a step (or the intro); throws IoError naming the missing file.
    std::string stepText(const Step& step) const;
    std::string introText() const;
    const Check& check(const std::string& checkId) const; // throws ExerciseError
    const Step& step(const std::string& stepId) const; // throws ExerciseError
    // Every file the lesson refers to (texts, model files) that does not exist; empty when complete.
    std::vector<std::string> missingFiles() const;
};

} // namespace neurino::exercises
