#include "core/train/EarlyStopping.h"

#include "core/util/Error.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>

namespace neurino {

namespace {

bool higherIsBetter(const std::string& monitor, const std::string& mode)
{
    if (mode != "auto")
        return mode == "max";
    const std::string base = monitor.rfind("val_", 0) == 0 ? monitor.substr(4) : monitor;
    return base == "accuracy" || base == "auc";
}

} // namespace

EarlyStopping::EarlyStopping(const EarlyStoppingConfig& config)
    : m_config(config)
    , m_maximize(higherIsBetter(config.monitor, config.mode))
    , m_best(m_maximize ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity())
{
}

bool EarlyStopping::update(int epoch, const std::map<std::string, double>& metrics)
{
    const auto it = metrics.find(m_config.monitor);
    if (it == metrics.end()) {
        std::string known;
        for (const auto& [name, value] : metrics)
            known += (known.empty() ? "" : ", ") + name;
        throw TrainError("early stopping monitors '" + m_config.monitor
            + "', which this run does not compute (it "
              "has "
            + known + "); set a validation split for val_ metrics or monitor another one");
    }
    const double value = it->second;
    const bool improved = std::isfinite(value)
        && (m_maximize ? value > m_best + m_config.minDelta : value < m_best - m_config.minDelta);
    if (improved) {
        m_best = value;
        m_bestEpoch = epoch;
        m_wait = 0;
    } else {
        ++m_wait;
    }
    return improved;
}

bool EarlyStopping::shouldStop() const
{
    return m_config.enabled && m_wait >= std::max(m_config.patience, 1);
}

nlohmann::json EarlyStopping::state() const
{
    return { { "best", std::isfinite(m_best) ? nlohmann::json(m_best) : nlohmann::json(nullptr) },
        { "best_epoch", m_bestEpoch }, { "wait", m_wait } };
}

void EarlyStopping::restore(const nlohmann::json& state)
{
    if (!state.is_object())
        return;
    if (state.contains("best") && state["best"].is_number())
        m_best = state["best"].get<double>();
    m_bestEpoch = state.value("best_epoch", 0);
    m_wait = state.value("wait", 0);
}

} // namespace neurino
