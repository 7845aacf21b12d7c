#pragma once

#include "widgets/session/TrainingTypes.h"

#include <QWidget>

class QLabel;

namespace neurino {

// A classifier over the input plane of 2-D data: each point of the plane coloured by the class the model
// gives it, fading to white where it is undecided (p = 0.5), so the white band is the decision boundary;
// training points on top in the colours of their true class. Takes data, not trainers.
class DecisionBoundaryView : public QWidget {
    Q_OBJECT

public:
    explicit DecisionBoundaryView(QWidget* parent = nullptr);

    // `runName`, when given, starts the caption.
    void setData(const DecisionBoundaryData& data, const QString& runName = {});
    void clear();
    const DecisionBoundaryData& data() const { return m_data; }
    bool isEmpty() const { return m_data.empty(); }
    // The picture alone (what the PNG export writes).
    QWidget* plot() const;

    // One row per grid cell: x, y, the probability and the predicted class.
    QString toCsv() const;
    bool exportPng(const QString& path, QString* error = nullptr) const;

    // The colour of class `index` (points and, paler, the plane).
    static QColor classColor(int index, int classes);

private:
    class Plot;

    DecisionBoundaryData m_data;
    Plot* m_plot;
    QLabel* m_caption;
};

} // namespace neurino
