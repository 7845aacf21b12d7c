#pragma once

#include <QDockWidget>

class QLabel;
class QPlainTextEdit;

namespace neurino {

class GraphModel;

// The model's Keras-style summary (layer, type, output shape, parameters) and its totals, trainable and
// non-trainable, updated on every edit so students can compare with the lecture's notebooks as they build.
class SummaryDock : public QDockWidget {
    Q_OBJECT

public:
    explicit SummaryDock(GraphModel* model, QWidget* parent = nullptr);

    QString summaryText() const;
    QString totalsText() const;

private:
    void refresh();

    GraphModel* m_model;
    QLabel* m_totals;
    QPlainTextEdit* m_table;
};

} // namespace neurino
