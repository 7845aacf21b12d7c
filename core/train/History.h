#pragma once

#include <map>
#include <string>
#include <vector>

namespace neurino {

// A run's metrics per epoch, as Keras's History: epoch k (1-based) is row k - 1.
// Metrics in reading order: the loss, the other training metrics, then the same for val_ and test_, then
// the rest (lr, timings), each group alphabetical.
std::vector<std::pair<std::string, double>> orderedMetrics(const std::map<std::string, double>& metrics);

class History {
public:
    void append(std::map<std::string, double> metrics) { m_epochs.push_back(std::move(metrics)); }
    // Keeps the first `epochs` rows (a resumed run continues from its checkpoint's epoch).
    void truncate(std::size_t epochs);

    std::size_t size() const { return m_epochs.size(); }
    bool empty() const { return m_epochs.empty(); }
    const std::map<std::string, double>& epoch(std::size_t index) const { return m_epochs.at(index); }
    const std::vector<std::map<std::string, double>>& epochs() const { return m_epochs; }

    // Every metric name that occurs, sorted.
    std::vector<std::string> names() const;
    // One metric over the epochs; NaN where an epoch lacks it.
    std::vector<double> series(const std::string& name) const;

    // One epoch as a one-line JSON object, "epoch" (1-based) first, for metrics.jsonl.
    std::string epochLine(std::size_t index) const;

    bool operator==(const History& o) const { return m_epochs == o.m_epochs; }

private:
    std::vector<std::map<std::string, double>> m_epochs;
};

} // namespace neurino
