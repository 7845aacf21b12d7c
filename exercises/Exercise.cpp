#include "exercises/Exercise.h"

#include "core/util/AtomicFile.h"
#include "core/util/Error.h"
#include "core/util/Resources.h"
#include "exercises/ExerciseError.h"

#include <filesystem>

namespace neurino::exercises {

std::string actionKindName(ActionKind kind)
{
    switch (kind) {
    case ActionKind::GenerateData:
        return "generate_data";
    case ActionKind::LoadModel:
        return "load_model";
    case ActionKind::Train:
        return "train";
    case ActionKind::Evaluate:
        return "evaluate";
    case ActionKind::CompareRuns:
        return "compare_runs";
    case ActionKind::OpenView:
        return "open_view";
    }
    return "?";
}

std::string ModelRef::path(const std::string& exerciseId) const
{
    if (lessonFile)
        return resourcePath("exercises/" + exerciseId + "/" + name);
    return templatePath(name);
}

std::string Exercise::folder() const
{
    return resourceDir() + "/exercises/" + id;
}

std::string Exercise::stepText(const Step& step) const
{
    return readTextFile(resourcePath("exercises/" + id + "/" + step.textFile));
}

std::string Exercise::introText() const
{
    return readTextFile(resourcePath("exercises/" + id + "/" + introFile));
}

const Check& Exercise::check(const std::string& checkId) const
{
    for (const auto& c : checks)
        if (c.id == checkId)
            return c;
    throw ExerciseError("exercise '" + id + "' has no check '" + checkId + "'");
}

const Step& Exercise::step(const std::string& stepId) const
{
    for (const auto& s : steps)
        if (s.id == stepId)
            return s;
    throw ExerciseError("exercise '" + id + "' has no step '" + stepId + "'");
}

std::vector<std::string> Exercise::missingFiles() const
{
    namespace fs = std::filesystem;
    std::vector<std::string> missing;
    const std::string dir = folder();
    auto need = [&](const std::string& path) {
        if (!fs::is_regular_file(path))
            missing.push_back(path);
    };
    need(dir + "/" + introFile);
    for (const auto& s : steps)
        need(dir + "/" + s.textFile);
    for (const auto& m : models)
        need(m.lessonFile ? dir + "/" + m.name : resourceDir() + "/models/" + m.name + ".neurino.json");
    return missing;
}

} // namespace neurino::exercises
