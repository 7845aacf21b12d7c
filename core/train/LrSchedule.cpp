#include "core/train/LrSchedule.h"

#include "core/util/Error.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>

namespace neurino {

LrSchedule::LrSchedule(const ScheduleConfig& config, double baseLr, int epochs)
    : m_config(config)
    , m_baseLr(baseLr)
    , m_epochs(epochs)
    , m_plateauLr(baseLr)
    , m_best(std::numeric_limits<double>::infinity())
{
}

double LrSchedule::rateForEpoch(int epoch)
{
    const std::string& kind = m_config.kind;
    if (kind == "step")
        return m_baseLr * std::pow(m_config.gamma, epoch / m_config.stepSize);
    if (kind == "exponential")
        return m_baseLr * std::pow(m_config.gamma, epoch);
    if (kind == "cosine") {
        const int period = m_config.cosineEpochs > 0 ? m_config.cosineEpochs : m_epochs;
        const double t = std::min(epoch, period);
        return m_config.minLearningRate
            + (m_baseLr - m_config.minLearningRate) * (1.0 + std::cos(M_PI * t / period)) / 2.0;
    }
    if (kind == "plateau")
        return m_plateauLr;
    return m_baseLr;
}

void LrSchedule::epochEnded(const std::map<std::string, double>& metrics)
{
    if (m_config.kind != "plateau")
        return;
    const auto it = metrics.find(m_config.monitor);
    if (it == metrics.end())
        throw TrainError("the plateau schedule monitors '" + m_config.monitor
            + "', which this run does not compute; monitor 'loss', or set a validation split for "
              "'val_loss'");
    const double value = it->second;
    if (value < m_best * (1.0 - m_config.threshold)) {
        m_best = value;
        m_badEpochs = 0;
    } else {
        ++m_badEpochs;
    }
    if (m_cooldownLeft > 0) {
        --m_cooldownLeft;
        m_badEpochs = 0;
    }
    if (m_badEpochs > m_config.patience) {
        m_plateauLr = std::max(m_plateauLr * m_config.factor, m_config.minLearningRate);
        m_cooldownLeft = m_config.cooldown;
        m_badEpochs = 0;
    }
}

nlohmann::json LrSchedule::state() const
{
    return { { "plateau_lr", m_plateauLr },
        { "best", std::isfinite(m_best) ? nlohmann::json(m_best) : nlohmann::json(nullptr) },
        { "bad_epochs", m_badEpochs }, { "cooldown_left", m_cooldownLeft } };
}

void LrSchedule::restore(const nlohmann::json& state)
{
    if (!state.is_object())
        return;
    m_plateauLr = state.value("plateau_lr", m_baseLr);
    m_best = state.contains("best") && state["best"].is_number() ? state["best"].get<double>()
                                                                 : std::numeric_limits<double>::infinity();
    m_badEpochs = state.value("bad_epochs", 0);
    m_cooldownLeft = state.value("cooldown_left", 0);
}

} // namespace neurino
