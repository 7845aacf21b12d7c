#pragma once

#include <QDockWidget>

class QTreeWidget;

namespace neurino {

class GraphModel;

// Every problem the analysis finds, with the layer it concerns; clicking one selects that layer so the
// student sees where it is and what to change.
class ProblemsDock : public QDockWidget {
    Q_OBJECT

public:
    explicit ProblemsDock(GraphModel* model, QWidget* parent = nullptr);

    int problemCount() const { return m_count; }
    QTreeWidget* tree() const { return m_tree; }
    // The problems as "layer: message" lines.
    QStringList problems() const;

signals:
    void problemActivated(const QString& nodeId);

private:
    void refresh();

    GraphModel* m_model;
    QTreeWidget* m_tree;
    int m_count = 0;
};

} // namespace neurino
