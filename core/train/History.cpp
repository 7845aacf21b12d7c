#include "core/train/History.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <set>

namespace neurino {

std::vector<std::pair<std::string, double>> orderedMetrics(const std::map<std::string, double>& metrics)
{
    auto rank = [](const std::string& name) {
        const bool val = name.rfind("val_", 0) == 0, test = name.rfind("test_", 0) == 0;
        const std::string base = val ? name.substr(4) : test ? name.substr(5) : name;
        const bool known = base == "loss" || base == "accuracy" || base == "auc" || base == "mae"
            || base == "mse" || base == "mape";
        if (!known)
            return 9;
        return (val ? 2 : test ? 4 : 0) + (base == "loss" ? 0 : 1);
    };
    std::vector<std::pair<std::string, double>> out(metrics.begin(), metrics.end());
    std::stable_sort(
        out.begin(), out.end(), [&](const auto& a, const auto& b) { return rank(a.first) < rank(b.first); });
    return out;
}

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
    return { names.begin(), names.end() };
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
    for (const auto& [name, value] : orderedMetrics(m_epochs.at(index)))
        ordered[name]
            = std::isfinite(value) ? nlohmann::ordered_json(value) : nlohmann::ordered_json(nullptr);
    return ordered.dump();
}

} // namespace neurino
