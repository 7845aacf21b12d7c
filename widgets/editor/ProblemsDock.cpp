#include "widgets/editor/ProblemsDock.h"

#include "widgets/editor/GraphModel.h"

#include <QHeaderView>
#include <QStyle>
#include <QTreeWidget>

namespace neurino {

namespace {

constexpr int kNodeRole = Qt::UserRole + 1;

} // namespace

ProblemsDock::ProblemsDock(GraphModel* model, QWidget* parent)
    : QDockWidget(tr("Problems"), parent)
    , m_model(model)
    , m_tree(new QTreeWidget(this))
{
    setObjectName("problemsDock");
    m_tree->setObjectName("problemsList");
    m_tree->setColumnCount(2);
    m_tree->setHeaderLabels({ tr("Layer"), tr("Problem") });
    m_tree->setRootIsDecorated(false);
    m_tree->setWordWrap(true);
    m_tree->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_tree->header()->setStretchLastSection(true);
    setWidget(m_tree);
    auto activate = [this](QTreeWidgetItem* item) {
        const QString id = item ? item->data(0, kNodeRole).toString() : QString();
        if (!id.isEmpty())
            emit problemActivated(id);
    };
    connect(m_tree, &QTreeWidget::itemClicked, this, activate);
    connect(m_tree, &QTreeWidget::itemActivated, this, activate);
    connect(model, &GraphModel::analysisChanged, this, &ProblemsDock::refresh);
    refresh();
}

QStringList ProblemsDock::problems() const
{
    QStringList lines;
    for (int i = 0; i < m_count; ++i) {
        const QTreeWidgetItem* item = m_tree->topLevelItem(i);
        lines << item->text(0) + ": " + item->text(1);
    }
    return lines;
}

void ProblemsDock::refresh()
{
    m_tree->clear();
    const auto& issues = m_model->analysis().issues;
    m_count = static_cast<int>(issues.size());
    const QIcon warning = style()->standardIcon(QStyle::SP_MessageBoxWarning);
    for (const GraphIssue& issue : issues) {
        const Node* node = m_model->graph().findNode(issue.nodeId);
        const QString where = node ? QString::fromStdString(node->name) : tr("model");
        auto* item = new QTreeWidgetItem(m_tree, { where, QString::fromStdString(issue.message) });
        item->setIcon(0, warning);
        item->setData(0, kNodeRole, QString::fromStdString(issue.nodeId));
        item->setToolTip(1, QString::fromStdString(issue.message));
        if (node)
            item->setToolTip(0, tr("Click to select %1 on the canvas").arg(where));
    }
    if (issues.empty()) {
        auto* item = new QTreeWidgetItem(m_tree, { QString(), tr("No problems: the model is valid.") });
        item->setIcon(0, style()->standardIcon(QStyle::SP_DialogApplyButton));
        item->setFlags(Qt::ItemIsEnabled);
    }
    setWindowTitle(m_count ? tr("Problems (%1)").arg(m_count) : tr("Problems"));
}

} // namespace neurino
