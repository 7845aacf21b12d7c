#include "core/train/History.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <set>

namespace neurino {

void History::truncate(std::size_t epochs)
{
    if (epochs < m_epochs.size())
        m_epochs.resize(epochs);
}

std::vector<std::string> History::names() const
{
    std::set<std::string> names;
    for (const auto& e : m_epochs)
        for (const auto& [name, value] : e)
            names.insert(name);
    return {names.begin(), names.end()};
}

std::vector<double> History::series(const std::string& name) const
{
    std::vector<double> out;
    for (const auto& e : m_epochs) {
        const auto it = e.find(name);
        out.push_back(it == e.end() ? std::nan("") : it->second);
    }
    return out;
}

std::string History::epochLine(std::size_t index) const
{
    nlohmann::ordered_json ordered;
    ordered["epoch"] = index + 1;
    for (const auto& [name, value] : m_epochs.at(index))
        ordered[name] = std::isfinite(value) ? nlohmann::ordered_json(value) : nlohmann::ordered_json(nullptr);
    return ordered.dump();
}

} // namespace neurino
