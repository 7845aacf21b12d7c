#pragma once

#include "core/train/TrainConfig.h"

#include <nlohmann/json_fwd.hpp>

#include <map>
#include <string>

namespace neurino {

// Keras's EarlyStopping: watches one metric, remembers its best epoch, and says stop when `patience`
// epochs in a row did not improve it by more than min_delta. Also tracks the best epoch when disabled,
// so the run directory can keep best.h5.
class EarlyStopping {
public:
    explicit EarlyStopping(const EarlyStoppingConfig& config);

    // Records epoch `epoch` (1-based); returns whether it is the best so far. Throws TrainError when the
    // monitored metric is missing from `metrics`.
    bool update(int epoch, const std::map<std::string, double>& metrics);
    bool shouldStop() const;

    const std::string& monitor() const { return m_config.monitor; }
    bool maximize() const { return m_maximize; }
    int bestEpoch() const { return m_bestEpoch; }
    double bestValue() const { return m_best; }
    int epochsWithoutImprovement() const { return m_wait; }

    nlohmann::json state() const;
    void restore(const nlohmann::json& state);

private:
    EarlyStoppingConfig m_config;
    bool m_maximize;
    double m_best;
    int m_bestEpoch = 0;
    int m_wait = 0;
};

} // namespace neurino
