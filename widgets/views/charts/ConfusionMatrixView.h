#pragma once

#include "widgets/session/TrainingTypes.h"

#include <QWidget>

class QCheckBox;
class QLabel;

namespace neurino {

// A confusion matrix as a coloured grid: rows the true class, columns the predicted one, each cell
// coloured by the share of its row so that rare classes read as clearly as common ones. Shows counts or
// row-normalised fractions. Takes data, not trainers.
class ConfusionMatrixView : public QWidget {
    Q_OBJECT

public:
    explicit ConfusionMatrixView(QWidget* parent = nullptr);

    // `runName`, when given, starts the caption.
    void setData(const ConfusionData& data, const QString& runName = {});
    void clear();
    const ConfusionData& data() const { return m_data; }
    bool isEmpty() const { return m_data.empty(); }

    void setNormalized(bool on);
    bool normalized() const;

    // class names as the header row and column, then counts.
    QString toCsv() const;
    bool exportPng(const QString& path, QString* error = nullptr) const;

signals:
    // A cell was clicked: the samples of class `truth` that the model called `predicted`.
    void cellActivated(int truth, int predicted);

private:
    class Grid;

    ConfusionData m_data;
    Grid* m_grid;
    QCheckBox* m_normalizedBox;
    QLabel* m_caption;
};

} // namespace neurino
