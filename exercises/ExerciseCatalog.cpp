#include "exercises/ExerciseCatalog.h"

#include "exercises/ExerciseError.h"
#include "exercises/lessons/Lessons.h"

namespace neurino::exercises {

const ExerciseCatalog& ExerciseCatalog::instance()
{
    static const ExerciseCatalog catalog;
    return catalog;
}

ExerciseCatalog::ExerciseCatalog()
{
    for (auto make : lessonFactories())
        m_entries.push_back({ make, make() });
}

std::vector<std::string> ExerciseCatalog::ids() const
{
    std::vector<std::string> out;
    for (const auto& e : m_entries)
        out.push_back(e.prototype->exercise().id);
    return out;
}

bool ExerciseCatalog::contains(const std::string& id) const
{
    for (const auto& e : m_entries)
        if (e.prototype->exercise().id == id)
            return true;
    return false;
}

const ExerciseCatalog::Entry& ExerciseCatalog::entry(const std::string& id) const
{
    for (const auto& e : m_entries)
        if (e.prototype->exercise().id == id)
            return e;
    std::string known;
    for (const auto& name : ids())
        known += (known.empty() ? "" : ", ") + name;
    throw ExerciseError("there is no exercise '" + id + "'; the exercises are: " + known);
}

const Exercise& ExerciseCatalog::exercise(const std::string& id) const
{
    return entry(id).prototype->exercise();
}

std::unique_ptr<Lesson> ExerciseCatalog::createLesson(const std::string& id) const
{
    return entry(id).make();
}

std::string ExerciseCatalog::unavailableReason(const std::string& id) const
{
    return entry(id).prototype->unavailableReason();
}

} // namespace neurino::exercises
