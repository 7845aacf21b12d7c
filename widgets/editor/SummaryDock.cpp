#include "widgets/editor/SummaryDock.h"

#include "widgets/editor/GraphModel.h"

#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QVBoxLayout>

namespace neurino {

namespace {

QString count(std::int64_t n)
{
    return QString::fromStdString(formatCount(n));
}

} // namespace

SummaryDock::SummaryDock(GraphModel* model, QWidget* parent)
    : QDockWidget(tr("Summary"), parent)
    , m_model(model)
    , m_totals(new QLabel)
    , m_table(new QPlainTextEdit)
{
    setObjectName("summaryDock");
    auto* body = new QWidget(this);
    auto* layout = new QVBoxLayout(body);
    layout->setContentsMargins(4, 4, 4, 4);
    m_totals->setObjectName("summaryTotals");
    m_totals->setTextFormat(Qt::RichText);
    m_totals->setWordWrap(true);
    m_table->setObjectName("summaryTable");
    m_table->setReadOnly(true);
    m_table->setLineWrapMode(QPlainTextEdit::NoWrap);
    QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    mono.setPointSizeF(8.5);
    m_table->setFont(mono);
    layout->addWidget(m_totals);
    layout->addWidget(m_table, 1);
    setWidget(body);
    connect(model, &GraphModel::analysisChanged, this, &SummaryDock::refresh);
    refresh();
}

QString SummaryDock::summaryText() const
{
    return m_table->toPlainText();
}

QString SummaryDock::totalsText() const
{
    return m_totals->text();
}

void SummaryDock::refresh()
{
    const GraphAnalysis& a = m_model->analysis();
    const ParamCount total = a.totalParams();
    if (a.params.size() < m_model->graph().nodes().size()) {
        // Some layers' counts are unknown: a partial sum would read as the model's size and mislead.
        m_totals->setText(tr("<span style='font-size:13pt'><b>?</b> parameters</span><br/>"
                             "known so far: %1 — fix the problems to count the rest")
                              .arg(count(total.total())));
    } else {
        m_totals->setText(tr("<span style='font-size:13pt'><b>%1</b> parameters</span><br/>"
                             "%2 trainable · %3 non-trainable")
                              .arg(count(total.total()), count(total.trainable), count(total.nonTrainable)));
    }
    const int scroll = m_table->verticalScrollBar() ? m_table->verticalScrollBar()->value() : 0;
    m_table->setPlainText(QString::fromStdString(m_model->graph().summary()));
    m_table->verticalScrollBar()->setValue(scroll);
}

} // namespace neurino
