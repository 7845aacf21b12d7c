#include "app/gui/ScreenshotRegistry.h"

#include <algorithm>

namespace neurino {

namespace {

void addOrReplace(std::vector<ScreenshotRegistry::Entry>& entries, ScreenshotRegistry::Entry entry)
{
    auto it
        = std::find_if(entries.begin(), entries.end(), [&](const auto& e) { return e.name == entry.name; });
    if (it != entries.end())
        *it = std::move(entry);
    else
        entries.push_back(std::move(entry));
}

const ScreenshotRegistry::Entry* findEntry(
    const std::vector<ScreenshotRegistry::Entry>& entries, const QString& name)
{
    auto it = std::find_if(entries.begin(), entries.end(), [&](const auto& e) { return e.name == name; });
    return it == entries.end() ? nullptr : &*it;
}

QString describe(const std::vector<ScreenshotRegistry::Entry>& entries)
{
    QString text;
    for (const auto& e : entries)
        text += QStringLiteral("  %1  %2\n").arg(e.name, -14).arg(e.description);
    return text.isEmpty() ? QStringLiteral("  (none yet)\n") : text;
}

} // namespace

ScreenshotRegistry& ScreenshotRegistry::instance()
{
    static ScreenshotRegistry registry;
    return registry;
}

ScreenshotRegistry::ScreenshotRegistry()
{
    registerBuiltinScreenshots(*this);
}

void ScreenshotRegistry::addView(Entry entry)
{
    addOrReplace(m_views, std::move(entry));
}

void ScreenshotRegistry::addExercise(Entry entry)
{
    addOrReplace(m_exercises, std::move(entry));
}

const ScreenshotRegistry::Entry* ScreenshotRegistry::view(const QString& name) const
{
    return findEntry(m_views, name);
}

const ScreenshotRegistry::Entry* ScreenshotRegistry::exercise(const QString& name) const
{
    return findEntry(m_exercises, name);
}

QStringList ScreenshotRegistry::viewNames() const
{
    QStringList names;
    for (const auto& e : m_views)
        names << e.name;
    return names;
}

QStringList ScreenshotRegistry::exerciseNames() const
{
    QStringList names;
    for (const auto& e : m_exercises)
        names << e.name;
    return names;
}

QString ScreenshotRegistry::describeViews() const
{
    return describe(m_views);
}

QString ScreenshotRegistry::describeExercises() const
{
    return describe(m_exercises);
}

} // namespace neurino
