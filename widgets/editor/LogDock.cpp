#include "widgets/editor/LogDock.h"

#include <QDateTime>
#include <QFontDatabase>
#include <QPlainTextEdit>

namespace neurino {

namespace {

// Old lines are dropped beyond this, so a long session does not grow without bound.
constexpr int kMaxLines = 5000;

} // namespace

LogDock::LogDock(QWidget* parent)
    : QDockWidget(tr("Log"), parent)
    , m_text(new QPlainTextEdit(this))
{
    setObjectName("logDock");
    m_text->setObjectName("logText");
    m_text->setReadOnly(true);
    m_text->setMaximumBlockCount(kMaxLines);
    QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    mono.setPointSizeF(9);
    m_text->setFont(mono);
    setWidget(m_text);
}

void LogDock::append(const QString& text, Level level)
{
    const QString time = QDateTime::currentDateTime().toString("HH:mm:ss");
    const char* color = level == Level::Error ? "#c62828" : level == Level::Warning ? "#e65100" : "#263238";
    QString html = text.toHtmlEscaped();
    html.replace('\n', "<br/>");
    m_text->appendHtml(
        QStringLiteral("<span style='color:#90a4ae'>%1</span> <span style='color:%2'>%3</span>")
            .arg(time, color, html));
}

QString LogDock::text() const
{
    return m_text->toPlainText();
}

} // namespace neurino
