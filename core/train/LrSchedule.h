#pragma once

#include "core/train/TrainConfig.h"

#include <nlohmann/json_fwd.hpp>

#include <map>
#include <string>

namespace neurino {

// The learning rate of every epoch, as PyTorch's StepLR, ExponentialLR, CosineAnnealingLR (epoch-wise)
// and ReduceLROnPlateau (mode min, relative threshold) give it.
class LrSchedule {
public:
    LrSchedule(const ScheduleConfig& config, double baseLr, int epochs);

    // The rate for the epoch with 0-based index `epoch`; call once per epoch, in order.
    double rateForEpoch(int epoch);
    // Lets reduce-on-plateau see the epoch's metrics. Throws TrainError when the monitored value is missing.
    void epochEnded(const std::map<std::string, double>& metrics);

    // The plateau state, for checkpoints (the other schedules depend on the epoch alone).
    nlohmann::json state() const;
    void restore(const nlohmann::json& state);

private:
    ScheduleConfig m_config;
    double m_baseLr;
    int m_epochs;
    double m_plateauLr;
    double m_best;
    int m_badEpochs = 0;
    int m_cooldownLeft = 0;
};

} // namespace neurino
