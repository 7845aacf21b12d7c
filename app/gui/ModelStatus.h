#pragma once

#include <QObject>

class QLabel;
class QStatusBar;
class QToolButton;

namespace neurino {

class GraphModel;
class GraphView;

// The status bar's permanent part: the model's parameter count, whether it is valid (a button that asks
// for the problems), and the canvas's zoom.
class ModelStatus : public QObject {
    Q_OBJECT

public:
    ModelStatus(GraphModel* model, GraphView* view, QStatusBar* statusBar);

    // Shows the model's current analysis.
    void update();

signals:
    void problemsRequested();

private:
    GraphModel* m_model;
    QLabel* m_params;
    QToolButton* m_validity;
    QLabel* m_zoom;
};

} // namespace neurino
